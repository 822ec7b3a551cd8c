package dev.lifeline.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Spec;

/**
 * {@code lifeline man}: prints the manual page, lifeline(1) in roff, generated from the command
 * definitions: every command with its synopsis, description, options and exit codes.
 * {@code lifeline man | man -l -} reads it; a package installs it as {@code man1/lifeline.1}.
 */
@Command(name = "man",
        mixinStandardHelpOptions = true,
        versionProvider = Main.ManifestVersion.class,
        description = {"Prints the manual page lifeline(1), in roff, generated from the commands.",
            "Read it with: lifeline man | man -l -"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:printed", "2:usage error"})
public final class ManCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.print(page(spec.root().commandLine()));
        out.flush();
        return 0;
    }

    static String page(CommandLine root) {
        StringBuilder b = new StringBuilder();
        String version = root.getCommandSpec().version().length > 0 ? root.getCommandSpec().version()[0] : "lifeline";
        b.append(".TH LIFELINE 1 \"\" \"").append(escape(version)).append("\" \"lifeline manual\"\n");
        b.append(".SH NAME\nlifeline \\- is the daemon alive? One non-blocking open of a FIFO answers\n");
        b.append(".SH SYNOPSIS\n.B lifeline\n.I COMMAND\n[\\fIOPTIONS\\fR] [\\fIARGUMENTS\\fR]\n");
        b.append(".SH DESCRIPTION\n").append(escape(String.join(" ", root.getCommandSpec().usageMessage().description())))
                .append("\nA bare NAME where a PATH is expected names a beacon in the default beacon directory:"
                        + " $XDG_RUNTIME_DIR/lifeline, else /run/lifeline for root, else /tmp/lifeline-UID.\n");
        b.append(".SH COMMANDS\n");
        for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
            CommandSpec c = e.getValue().getCommandSpec();
            if (e.getKey().equals("help")) {
                continue;
            }
            b.append(".SS ").append(escape(e.getKey())).append('\n');
            b.append(".nf\n").append(escape(e.getValue().getHelp().synopsis(0).strip())).append("\n.fi\n");
            for (String line : c.usageMessage().description()) {
                b.append(".PP\n").append(escape(line)).append('\n');
            }
            for (PositionalParamSpec p : c.positionalParameters()) {
                b.append(".TP\n.I ").append(escape(p.paramLabel())).append('\n')
                        .append(escape(String.join(" ", p.description()))).append('\n');
            }
            for (OptionSpec o : c.options()) {
                if (o.usageHelp() || o.versionHelp()) {
                    continue;
                }
                b.append(".TP\n.B ").append(escape(String.join(", ", o.names())));
                if (o.arity().max() > 0) {
                    b.append(' ').append("\\fI").append(escape(o.paramLabel())).append("\\fR");
                }
                b.append('\n').append(escape(String.join(" ", o.description()))).append('\n');
            }
            Map<String, String> codes = c.usageMessage().exitCodeList();
            if (!codes.isEmpty()) {
                b.append(".PP\nExit status:\n");
                for (Map.Entry<String, String> code : codes.entrySet()) {
                    b.append(".TP\n.B ").append(escape(code.getKey().strip())).append('\n')
                            .append(escape(code.getValue())).append('\n');
                }
            }
        }
        b.append(".SH SEE ALSO\nThe pages of each command in docs/cli/ of the source tree.\n");
        return b.toString();
    }

    /** roff: backslashes doubled, hyphens as minus signs, no line starting with a control character. */
    static String escape(String s) {
        String text = s.replace("\\", "\\e").replace("-", "\\-").replace("%n", " ");
        StringBuilder b = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (b.length() > 0) {
                b.append('\n');
            }
            if (line.startsWith(".") || line.startsWith("'")) {
                b.append("\\&");
            }
            b.append(line);
        }
        return b.toString();
    }
}
