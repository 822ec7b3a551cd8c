package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The escapes of {@link Names}, case by case; {@link RawNames} checks them over random names. */
class NamesTest {
    @Test
    void printableTextIsLeftAsItIs() {
        assertThat(Names.printable("/run/lifeline/w\u00f6rker \uD83D\uDE00")).isEqualTo("/run/lifeline/w\u00f6rker \uD83D\uDE00");
        assertThat(Names.printable("/run/\uFFFD")).as("a real U+FFFD is a printable character").isEqualTo("/run/\uFFFD");
    }

    @Test
    void controlsAndBackslashesAreEscapedAsLsDoes() {
        assertThat(Names.printable("a\nb\tc\rd\u0007\b\u000b\f\\e")).isEqualTo("a\\nb\\tc\\rd\\a\\b\\v\\f\\\\e");
        assertThat(Names.printable("\u001b[2J\u007f\u0001")).isEqualTo("\\033[2J\\177\\001");
        assertThat(Names.printable("\u0085\u009b")).as("C1 controls, byte by byte").isEqualTo("\\302\\205\\302\\233");
        assertThat(Names.printable("x\u202ey\u200bz\u2028")).as("format characters and separators")
                .isEqualTo("x\\342\\200\\256y\\342\\200\\213z\\342\\200\\250");
    }

    @Test
    void bytesThatAreNotUtf8AreEscapedOneByOne() {
        assertThat(Names.printable(new byte[] {'w', (byte) 0xff, (byte) 0xc3}, StandardCharsets.UTF_8)).isEqualTo("w\\377\\303");
        assertThat(Names.printable(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, StandardCharsets.UTF_8))
                .as("a surrogate").isEqualTo("\\355\\240\\200");
        assertThat(Names.printable(new byte[] {(byte) 0xc0, (byte) 0xaf}, StandardCharsets.UTF_8))
                .as("an overlong '/'").isEqualTo("\\300\\257");
    }

    @Test
    void underAsciiEveryByteAbove0x7fIsEscaped() {
        assertThat(Names.printable("w\u00f6rker", StandardCharsets.US_ASCII)).isEqualTo("w\\303\\266rker");
    }

    @Test
    void aPathIsShownByItsExactBytes() {
        Path lossy = Path.of(URI.create("file:///tmp/w%FF%0A"));
        assertThat(lossy.toString()).as("what Java's string says").contains("\uFFFD");
        assertThat(Names.printable(lossy)).isEqualTo("/tmp/w\\377\\n");
    }
}
