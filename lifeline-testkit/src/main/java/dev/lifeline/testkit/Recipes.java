package dev.lifeline.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The recipes in docs/recipes, read as the tools that take them would: systemd units. */
public final class Recipes {
    /** The project's root: tests run in their module's directory, one level below it. */
    public static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    public static final Path DIR = ROOT.resolve("docs/recipes");

    private Recipes() {
    }

    /** The unit file {@code name} in docs/recipes: {@link #unit(Path)}. */
    public static Map<String, Map<String, String>> unit(String name) throws IOException {
        return unit(DIR.resolve(name));
    }

    /**
     * A systemd unit file as section name to its KEY=VALUE pairs; fails unless it is one, with
     * the sections [Unit], [Service] and [Install].
     */
    public static Map<String, Map<String, String>> unit(Path file) throws IOException {
        Map<String, Map<String, String>> unit = new HashMap<>();
        String section = null;
        for (String line : Files.readAllLines(file)) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1);
                unit.put(section, new HashMap<>());
                continue;
            }
            assertThat(section).as("a key before any section: " + line).isNotNull();
            int eq = line.indexOf('=');
            assertThat(eq).as("not KEY=VALUE: " + line).isPositive();
            unit.get(section).put(line.substring(0, eq), line.substring(eq + 1));
        }
        assertThat(unit).containsKeys("Unit", "Service", "Install");
        return unit;
    }
}
