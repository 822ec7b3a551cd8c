package dev.lifeline.internal.linux;

import dev.lifeline.internal.posix.Errno;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every number lifeline passes to or reads from the kernel and the C library, as this JVM's
 * {@link Abi} and {@link Errno} have them: {@code NAME=value}, one per line. Run with
 * {@code -Dos.arch=aarch64} on any host, it prints the aarch64 values, since {@link Abi}
 * decides the architecture from that property alone; nothing here calls native code.
 */
public final class AbiDump {
    private AbiDump() {
    }

    public static void main(String[] args) throws Exception {
        constants().forEach((name, value) -> System.out.println(name + "=" + value));
    }

    /** Abi.X and Errno.X for each numeric static final field, and Errno.NAMES[n] as errno.NAME=n. */
    static Map<String, Long> constants() throws IllegalAccessException {
        Map<String, Long> constants = new LinkedHashMap<>();
        for (Class<?> type : new Class<?>[] {Abi.class, Errno.class}) {
            for (Field field : type.getDeclaredFields()) {
                int modifiers = field.getModifiers();
                if (!Modifier.isStatic(modifiers) || !Modifier.isFinal(modifiers) || !field.getType().isPrimitive()) {
                    continue;
                }
                field.setAccessible(true);
                // Named as AbiTest's table names them; Abi was called Linux before the backend had a package.
                String owner = type == Abi.class ? "Linux" : type.getSimpleName();
                constants.put(owner + "." + field.getName(), ((Number) field.get(null)).longValue());
            }
        }
        Field names;
        try {
            names = Errno.class.getDeclaredField("NAMES");
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("Errno.NAMES, the errno table, is gone: update AbiDump", e);
        }
        names.setAccessible(true);
        String[] table = (String[]) names.get(null);
        for (int n = 0; n < table.length; n++) {
            if (table[n] != null) {
                constants.put("errno." + table[n], (long) n);
            }
        }
        return constants;
    }
}
