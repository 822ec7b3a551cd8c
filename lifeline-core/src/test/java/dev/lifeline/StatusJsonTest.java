package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The one writer of a status as JSON: its objects, key by key, and its escapes, case by case. */
class StatusJsonTest {
    @Test
    void writesTheKeysOfCheckJsonInTheirOrderAndLeavesOutThoseWithoutAValue() {
        Path path = Path.of("/run/x");
        assertThat(Status.of(path, Status.State.DEAD).toJson()).isEqualTo("{\"path\":\"/run/x\",\"status\":\"dead\"}");
        assertThat(StatusJson.of(Status.of(path, Status.State.ABSENT))).isEqualTo("{\"path\":\"/run/x\",\"status\":\"absent\"}");
        assertThat(Status.promised(path, Status.State.HUNG, 1_764_068_175_403L, 1_764_068_177_000L).toJson())
                .isEqualTo("{\"path\":\"/run/x\",\"status\":\"hung\",\"last_beat\":\"2025-11-25T10:56:15.403Z\","
                        + "\"deadline\":\"2025-11-25T10:56:17Z\"}");
        assertThat(Status.unknown(path, Fault.ACCESS_DENIED, "EACCES", "open: Permission denied").toJson())
                .isEqualTo("{\"path\":\"/run/x\",\"status\":\"unknown\",\"fault\":\"access_denied\",\"errno\":\"EACCES\","
                        + "\"reason\":\"open: Permission denied\"}");
        assertThat(Status.unknown(path, Fault.NOT_A_FIFO, null, "is a regular file, not a FIFO").toJson())
                .as("no errno").isEqualTo("{\"path\":\"/run/x\",\"status\":\"unknown\",\"fault\":\"not_a_fifo\","
                        + "\"reason\":\"is a regular file, not a FIFO\"}");
    }

    @Test
    void membersGoAroundTheStateForObjectsWithMoreKeys() {
        StringBuilder b = new StringBuilder("{");
        StatusJson.appendMember(b, "name", "x").append(',');
        StatusJson.appendState(b, Status.of(Path.of("/run/x"), Status.State.ALIVE));
        assertThat(b.append('}')).hasToString("{\"name\":\"x\",\"status\":\"alive\"}");
        assertThat(StatusJson.name(Status.State.UNKNOWN)).isEqualTo("unknown");
    }

    @Test
    void escapesQuoteBackslashAndEveryControlAndLeavesOtherCharactersAsTheyAre() {
        assertThat(string("q\" b\\ n\n r\r t\t b\b f\f nul\u0000 esc\u001b us\u001f del\u007f é € \uFFFD"))
                .isEqualTo("\"q\\\" b\\\\ n\\n r\\r t\\t b\\b f\\f nul\\u0000 esc\\u001b us\\u001f del\u007f é € \uFFFD\"");
        assertThat(string("/run/w\u00f6rker \uD83D\uDE00")).as("a whole surrogate pair is a character")
                .isEqualTo("\"/run/w\u00f6rker \uD83D\uDE00\"");
    }

    @Test
    void escapesTheJavaScriptLineTerminators() {
        assertThat(string("a\u2028b\u2029c")).isEqualTo("\"a\\u2028b\\u2029c\"");
    }

    @Test
    void writesALoneSurrogateAsTheReplacementCharacter() {
        assertThat(string("a\uD800b")).as("a high surrogate alone").isEqualTo("\"a\uFFFDb\"");
        assertThat(string("a\uDC00b")).as("a low surrogate alone").isEqualTo("\"a\uFFFDb\"");
        assertThat(string("a\uD83D")).as("a high surrogate at the end").isEqualTo("\"a\uFFFD\"");
        assertThat(string("\uDE00\uD83D")).as("a pair the wrong way round").isEqualTo("\"\uFFFD\uFFFD\"");
    }

    private static String string(String s) {
        return StatusJson.appendString(new StringBuilder(), s).toString();
    }
}
