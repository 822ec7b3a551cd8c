package dev.lifeline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The agent's option parser, on its own. */
class AgentOptionsTest {
    @Test
    void aPathAloneHoldsWithoutBeats() {
        AgentOptions o = AgentOptions.parse("/run/lifeline/kafka");
        assertThat(o).isEqualTo(new AgentOptions("/run/lifeline/kafka", null, false, 0600, 90));
    }

    @Test
    void everyOptionInAnyOrder() {
        AgentOptions o = AgentOptions.parse("worker,mode=0640,exclusive,gc-overhead=75%,heartbeat=3s");
        assertThat(o).isEqualTo(new AgentOptions("worker", Duration.ofSeconds(3), true, 0640, 75));
        assertThat(AgentOptions.parse("w,heartbeat=500ms").heartbeat()).isEqualTo(Duration.ofMillis(500));
        assertThat(AgentOptions.parse("w,heartbeat=2m").heartbeat()).isEqualTo(Duration.ofMinutes(2));
        assertThat(AgentOptions.parse("w,heartbeat=PT10S").heartbeat()).isEqualTo(Duration.ofSeconds(10));
        assertThat(AgentOptions.parse("w,mode=644").mode()).isEqualTo(0644);
    }

    @Test
    void wrongOptionsSayWhatIsWrong() {
        assertThatThrownBy(() -> AgentOptions.parse(null)).hasMessageContaining("no beacon PATH");
        assertThatThrownBy(() -> AgentOptions.parse("heartbeat=1s")).hasMessageContaining("PATH must come first");
        assertThatThrownBy(() -> AgentOptions.parse("w,heartbeat=1")).hasMessageContaining("needs a unit");
        assertThatThrownBy(() -> AgentOptions.parse("w,heartbeat=2ms")).hasMessageContaining("at least 3ms");
        assertThatThrownBy(() -> AgentOptions.parse("w,heartbeat")).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> AgentOptions.parse("w,mode=0200")).hasMessageContaining("owner read and write");
        assertThatThrownBy(() -> AgentOptions.parse("w,mode=rw")).hasMessageContaining("octal");
        assertThatThrownBy(() -> AgentOptions.parse("w,gc-overhead=101,heartbeat=1s")).hasMessageContaining("1 to 100");
        assertThatThrownBy(() -> AgentOptions.parse("w,gc-overhead=50")).hasMessageContaining("needs heartbeat");
        assertThatThrownBy(() -> AgentOptions.parse("w,exclusive,exclusive")).hasMessageContaining("given twice");
        assertThatThrownBy(() -> AgentOptions.parse("w,loud")).hasMessageContaining("unknown option 'loud'");
        assertThatThrownBy(() -> AgentOptions.parse("w,")).hasMessageContaining("unknown option ''");
    }

    @Test
    void exclusiveIsHeardEvenInOptionsThatDoNotParse() {
        assertThat(AgentOptions.asksExclusive("w,exclusive,heartbeat=soon")).isTrue();
        assertThat(AgentOptions.asksExclusive("w,heartbeat=1s")).isFalse();
        assertThat(AgentOptions.asksExclusive("exclusive")).as("a beacon named exclusive").isFalse();
        assertThat(AgentOptions.asksExclusive(null)).isFalse();
    }
}
