package dev.lifeline.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Which DIR|PATH operands of {@code status}, {@code watch} and {@code serve} are directories of
 * beacons. One that exists is a directory if it is one. One that does not exist yet is a
 * directory only if it was written with a trailing slash ({@code /run/app/}): without it, it is
 * a beacon, absent for now, as {@code check} reads it, since nothing tells a directory that will
 * appear from a beacon whose daemon is not running.
 */
final class Operands {
    private Operands() {
    }

    /** The operands as typed (before the slash is lost to {@link Path}), or "" each if unknown. */
    static List<String> given(CommandSpec spec, int count) {
        List<String> typed = spec.positionalParameters().isEmpty() ? List.of()
                : spec.positionalParameters().get(0).originalStringValues();
        return typed.size() == count ? new ArrayList<>(typed) : Collections.nCopies(count, "");
    }

    /** Whether {@code path}, typed as {@code given}, means a directory of beacons, existing or not. */
    static boolean isDirectory(Path path, String given) {
        return Files.exists(path) ? Files.isDirectory(path) : given.endsWith("/");
    }
}
