package dev.lifeline.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code lifeline completion}: prints a completion script for bash (and zsh, through its
 * {@code bashcompinit}), generated from the command definitions themselves, so it never lags
 * behind an option.
 */
@Command(name = "completion",
        mixinStandardHelpOptions = true,
        versionProvider = Main.ManifestVersion.class,
        description = {
            "Prints a shell completion script for lifeline, generated from its commands.",
            "bash:  source <(lifeline completion)",
            "zsh:   autoload -U bashcompinit && bashcompinit && source <(lifeline completion)"
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:printed", "2:usage error"})
public final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(AutoComplete.bash("lifeline", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
