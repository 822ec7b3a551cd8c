package dev.lifeline.cli;

import dev.lifeline.Lifeline;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Finding the program of {@code run} and {@code exec} before any beacon is made, so that a command
 * that cannot run is refused with the shell's codes and leaves nothing behind: 127 for a command
 * that is not there, 126 for one that is there but cannot be executed.
 */
final class Programs {
    /** The shell's "command not found". */
    static final int EXIT_NOT_FOUND = 127;
    /** The shell's "found, but cannot be executed". */
    static final int EXIT_NOT_EXECUTABLE = 126;

    private Programs() {
    }

    /** Why a command cannot run, with the exit code a shell would give. */
    static final class Unrunnable extends Exception {
        private static final long serialVersionUID = 1L;
        private final int exitCode;

        Unrunnable(int exitCode, String message) {
            super(message, null, false, false);
            this.exitCode = exitCode;
        }

        int exitCode() {
            return exitCode;
        }
    }

    /**
     * The executable that {@code name} names, as a shell finds it ({@link Lifeline#findProgram}).
     *
     * @throws Unrunnable with 127 if there is no such file, 126 if there is one but it is not an
     *         executable regular file (a directory, a file without execute permission)
     */
    static Path find(String name) throws Unrunnable {
        try {
            return Lifeline.findProgram(name);
        } catch (NoSuchFileException e) {
            throw new Unrunnable(EXIT_NOT_FOUND, message(e));
        } catch (AccessDeniedException e) {
            throw new Unrunnable(EXIT_NOT_EXECUTABLE, message(e));
        }
    }

    private static String message(FileSystemException e) {
        return e.getFile().isEmpty() ? e.getReason() : e.getFile() + ": " + e.getReason();
    }
}
