package dev.lifeline.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders, at build time, the help text picocli prints for {@code lifeline --help} and for
 * {@code lifeline COMMAND --help}, into {@code DIR/lifeline.txt} and {@code DIR/COMMAND.txt}, for
 * {@link FastHelp} to print without building picocli's model. Run by Maven (process-classes) with
 * the classes directory's {@code dev/lifeline/cli/help}.
 */
final class HelpText {
    private HelpText() {
    }

    public static void main(String[] args) throws IOException {
        // Plain text, at picocli's default width: what picocli prints when stdout is no terminal.
        System.setProperty("picocli.ansi", "false");
        System.clearProperty("picocli.usage.width");
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        for (Map.Entry<String, String> help : render().entrySet()) {
            Files.writeString(dir.resolve(help.getKey() + ".txt"), help.getValue(), StandardCharsets.UTF_8);
        }
        Files.writeString(dir.resolve(FastHelp.VERSIONED), String.join("\n", versioned()) + "\n", StandardCharsets.UTF_8);
    }

    /**
     * Each command's name (the root's is {@code lifeline}) and its help, as picocli prints it, for
     * every command that takes both -h and --help.
     */
    static Map<String, String> render() {
        Map<String, String> texts = new LinkedHashMap<>();
        picocli.CommandLine root = Main.commandLine();
        if (takes(root, "-h", "--help")) {
            texts.put("lifeline", help("--help"));
        }
        for (Map.Entry<String, picocli.CommandLine> sub : root.getSubcommands().entrySet()) {
            if (takes(sub.getValue(), "-h", "--help")) {
                texts.put(sub.getKey(), help(sub.getKey(), "--help"));
            }
        }
        return texts;
    }

    /** The commands that take both -V and --version (the root's name is {@code lifeline}). */
    static java.util.List<String> versioned() {
        java.util.List<String> names = new java.util.ArrayList<>();
        picocli.CommandLine root = Main.commandLine();
        if (takes(root, "-V", "--version")) {
            names.add("lifeline");
        }
        for (Map.Entry<String, picocli.CommandLine> sub : root.getSubcommands().entrySet()) {
            if (takes(sub.getValue(), "-V", "--version")) {
                names.add(sub.getKey());
            }
        }
        return names;
    }

    private static boolean takes(picocli.CommandLine command, String... options) {
        for (String option : options) {
            if (!command.getCommandSpec().optionsMap().containsKey(option)) {
                return false;
            }
        }
        return true;
    }

    private static String help(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        if (exit != 0 || !err.toString().isEmpty()) {
            throw new IllegalStateException(String.join(" ", args) + ": exit " + exit + ", " + err);
        }
        return out.toString();
    }
}
