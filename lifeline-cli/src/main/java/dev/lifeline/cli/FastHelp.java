package dev.lifeline.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * {@code --help} and {@code --version}, of the command and of each subcommand, without picocli:
 * building picocli's model of every command costs a JVM several times what printing the text does.
 * The help texts are picocli's own, rendered at build time by {@link HelpText} into resources
 * ({@code help/NAME.txt}), and printed here as they are; the version lines are
 * {@link Main#version()}, as picocli's {@link Main.ManifestVersion} gives them. A test compares both, byte for byte, with what picocli prints.
 *
 * <p>picocli styles its help with ANSI escapes when stdout is a terminal (or when told to, by
 * {@code CLICOLOR_FORCE} or a {@code picocli.*} system property): those cases, and a missing
 * resource (classes run without the build's resources), go to picocli as before. No class of
 * picocli is loaded here.
 */
final class FastHelp {
    /** Where {@link HelpText} writes the help of the command ({@code lifeline.txt}) and of each subcommand. */
    static final String RESOURCES = "help/";
    /** The resource (under {@link #RESOURCES}) naming, one a line, the commands that take -V and --version. */
    static final String VERSIONED = "versioned";

    private FastHelp() {
    }

    /** The exit code, or -1 when {@code args} are not a plain help or version request. */
    static int run(String[] args) {
        String command;
        String option;
        if (args.length == 1) {
            command = "lifeline";
            option = args[0];
        } else if (args.length == 2 && !args[0].startsWith("-") && !args[0].equals("lifeline")) {
            command = args[0];
            option = args[1];
        } else {
            return -1;
        }
        boolean version = option.equals("--version") || option.equals("-V");
        if (!version && !option.equals("--help") && !option.equals("-h")) {
            return -1;
        }
        String text;
        if (version) {
            String versioned = resource(VERSIONED);
            if (versioned == null || !("\n" + versioned).contains("\n" + command + "\n")) {
                return -1;
            }
            text = String.join("\n", Main.version()) + "\n";
        } else {
            text = resource(command + ".txt"); // a command that is not one of ours has none
            if (text == null || styled()) {
                return -1;
            }
        }
        // As picocli's own writer: the platform's encoding, flushed at the end.
        Charset charset = Charset.forName(System.getProperty("stdout.encoding", Charset.defaultCharset().name()));
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, charset));
        out.print(text);
        out.flush();
        return 0;
    }

    /** The resource {@code name} under {@link #RESOURCES} as built, or null if there is none. */
    static String resource(String name) {
        if (name.contains("/")) {
            return null;
        }
        try (InputStream in = FastHelp.class.getResourceAsStream(RESOURCES + name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whether picocli might style its help with ANSI escapes here: a {@code picocli.*} system
     * property (ansi, usage.width, ...), {@code CLICOLOR_FORCE}, or a terminal on stdout.
     */
    private static boolean styled() {
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("picocli.")) {
                return true;
            }
        }
        if (System.getenv("CLICOLOR_FORCE") != null) {
            return true;
        }
        return Main.onTerminal();
    }
}
