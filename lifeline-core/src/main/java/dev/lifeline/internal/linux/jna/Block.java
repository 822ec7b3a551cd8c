package dev.lifeline.internal.linux.jna;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Native memory lifeline's JNA calls read and write: a direct buffer, read and written by the JIT's
 * own buffer accesses (a {@code com.sun.jna.Memory} is read through JNI, call by call), and its
 * address, asked of JNA once. The memory is freed by the JDK once the buffer is unreachable: whoever
 * passes {@link #address} to C keeps the block reachable until the call returns. Also a bump
 * allocator, for the strings and arrays of a spawn.
 */
final class Block {
    final ByteBuffer buffer;
    final long address;
    private int used;

    Block(int size) {
        this.buffer = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
        this.address = Pointer.nativeValue(Native.getDirectBufferPointer(buffer));
    }

    /** The address of {@code size} more bytes (zeroed), aligned to 16. */
    long take(int size) {
        int at = (used + 15) & ~15;
        if (at + size > buffer.capacity()) {
            throw new IllegalStateException("block of " + buffer.capacity() + " bytes too small");
        }
        used = at + size;
        return address + at;
    }

    /** A C string of {@code bytes}, which hold no NUL (internal.linux.Spawner refused any before). */
    long string(byte[] bytes) {
        long at = take(bytes.length + 1);
        buffer.put((int) (at - address), bytes).put((int) (at - address) + bytes.length, (byte) 0);
        return at;
    }

    /** A NULL-terminated array of C strings, as argv and envp are. */
    long strings(List<byte[]> values) {
        long array = take(8 * (values.size() + 1));
        for (int i = 0; i < values.size(); i++) {
            buffer.putLong((int) (array - address) + 8 * i, string(values.get(i)));
        }
        buffer.putLong((int) (array - address) + 8 * values.size(), 0L);
        return array;
    }

    /** What {@link #strings} takes for {@code values}, with room for alignment. */
    static int sizeOf(List<byte[]> values) {
        int size = 16 + 8 * (values.size() + 1);
        for (byte[] v : values) {
            size += v.length + 1 + 15;
        }
        return size;
    }
}
