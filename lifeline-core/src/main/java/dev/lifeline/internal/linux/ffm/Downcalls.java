package dev.lifeline.internal.linux.ffm;

import dev.lifeline.internal.linux.Abi;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The one linker, and how every C function lifeline calls is linked: by name from the C library,
 * errno captured per call where asked. Each caller keeps its handles in holder classes of its own,
 * linked on first use, so a command that checks one path links only {@code open}, {@code statx}
 * and {@code close}: linking a descriptor costs milliseconds.
 */
final class Downcalls {
    private static final Linker LINKER = Linker.nativeLinker();
    /** errno, captured by the linker into memory the calling thread owns, right after the call. */
    static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO_VH = CAPTURE.varHandle(PathElement.groupElement("errno"));

    private Downcalls() {
    }

    static MethodHandle link(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name).orElseThrow(
                () -> new UnsatisfiedLinkError("lifeline: the C library has no function " + name));
        try {
            return LINKER.downcallHandle(symbol, descriptor, options);
        } catch (IllegalCallerException denied) {
            throw new IllegalCallerException(NativeAccess.instruction(), denied);
        }
    }

    /** The errno a call captured into {@code capture}. */
    static int errno(MemorySegment capture) {
        return (int) ERRNO_VH.get(capture, 0L);
    }
}
