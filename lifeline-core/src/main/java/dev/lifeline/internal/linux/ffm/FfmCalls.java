package dev.lifeline.internal.linux.ffm;

import dev.lifeline.internal.NativePath;
import dev.lifeline.internal.linux.LinuxCalls;
import dev.lifeline.internal.posix.CallState;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The FFM backend (Java 22 and newer): the only package of lifeline that touches
 * {@code java.lang.foreign}. The FIFO protocol's calls are {@link LinuxSyscalls}', which a check
 * reaches without any buffer or wrapper; the event calls take the logic's direct buffers as
 * segments over the same memory. Made once, by name, by {@code internal.linux.Backends}.
 */
public final class FfmCalls extends LinuxSyscalls implements LinuxCalls {
    public FfmCalls() {
    }

    /** Memory of an automatic arena, seen as a buffer: freed once neither is reachable. */
    @Override
    public ByteBuffer allocate(int size) {
        return Arena.ofAuto().allocate(size, 16).asByteBuffer().order(ByteOrder.nativeOrder());
    }

    /** A NUL-terminated copy in an automatic arena: it lives exactly as long as its path. */
    @Override
    public Object nativeForm(byte[] bytes) {
        MemorySegment segment = Arena.ofAuto().allocate(bytes.length + 1L);
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
        segment.set(ValueLayout.JAVA_BYTE, bytes.length, (byte) 0);
        return segment;
    }

    @Override
    public void warnIfNoAccess() {
        NativeAccess.warnIfMissing();
    }

    private static MemorySegment of(ByteBuffer buffer) {
        return buffer == null ? MemorySegment.NULL : MemorySegment.ofBuffer(buffer);
    }

    @Override
    public int poll(CallState s, ByteBuffer fds, int count, int timeoutMillis) {
        return EventCalls.poll((Scratch) s, of(fds), count, timeoutMillis);
    }

    @Override
    public int eventfd(CallState s, int flags) {
        return EventCalls.eventfd((Scratch) s, flags);
    }

    @Override
    public long write(CallState s, int fd, ByteBuffer buffer, int length) {
        return EventCalls.write((Scratch) s, fd, of(buffer), length);
    }

    @Override
    public long read(CallState s, int fd, ByteBuffer buffer) {
        return EventCalls.read((Scratch) s, fd, of(buffer));
    }

    @Override
    public int inotifyInit(CallState s) {
        return EventCalls.inotifyInit((Scratch) s);
    }

    @Override
    public int inotifyAddWatch(CallState s, int fd, NativePath path, int mask) {
        return EventCalls.inotifyAddWatch((Scratch) s, fd, path, mask);
    }

    @Override
    public int inotifyRmWatch(CallState s, int fd, int wd) {
        return EventCalls.inotifyRmWatch((Scratch) s, fd, wd);
    }

    @Override
    public int epollCreate(CallState s) {
        return EventCalls.epollCreate((Scratch) s);
    }

    @Override
    public int epollCtl(CallState s, int epfd, int op, int fd, ByteBuffer event) {
        return EventCalls.epollCtl((Scratch) s, epfd, op, fd, of(event));
    }

    @Override
    public int epollWait(CallState s, int epfd, ByteBuffer events, int max, int timeoutMillis) {
        return EventCalls.epollWait((Scratch) s, epfd, of(events), max, timeoutMillis);
    }

    @Override
    public int waitpid(CallState s, int pid, ByteBuffer status, int options) {
        return ProcessCalls.waitpid((Scratch) s, pid, of(status), options);
    }

    @Override
    public int waitid(CallState s, int idType, int id, ByteBuffer info, int options) {
        return ProcessCalls.waitid((Scratch) s, idType, id, of(info), options);
    }

    @Override
    public int kill(CallState s, int pid, int signal) {
        return ProcessCalls.kill((Scratch) s, pid, signal);
    }

    @Override
    public int socket(CallState s, int domain, int type, int protocol) {
        return ProcessCalls.socket((Scratch) s, domain, type, protocol);
    }

    @Override
    public long sendto(CallState s, int fd, ByteBuffer message, int length, ByteBuffer address, int addressLength) {
        return ProcessCalls.sendto((Scratch) s, fd, of(message), length, of(address), addressLength);
    }

    @Override
    public int spawn(int fd, int childFd, byte[] program, List<byte[]> argv, List<byte[]> envp) {
        return Spawn.spawn(fd, childFd, program, argv, envp);
    }

    @Override
    public int exec(int fd, byte[] program, List<byte[]> argv, List<byte[]> envp) {
        return Spawn.exec(fd, program, argv, envp);
    }
}
