package dev.lifeline.internal.posix;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every number lifeline passes to or reads from the kernel and the C library, as this JVM's
 * {@link Linux} and {@link Errno} have them: {@code NAME=value}, one per line. Run with
 * {@code -Dos.arch=aarch64} on any host, it prints the aarch64 values, since {@link Linux}
 * decides the architecture from that property alone; nothing here calls native code.
 */
public final class AbiDump {
    private AbiDump() {
    }

    public static void main(String[] args) throws Exception {
        constants().forEach((name, value) -> System.out.println(name + "=" + value));
    }

    /** Linux.X and Errno.X for each numeric static final field, and Errno.NAMES[n] as errno.NAME=n. */
    static Map<String, Long> constants() throws IllegalAccessException {
        Map<String, Long> constants = new LinkedHashMap<>();
        for (Class<?> type : new Class<?>[] {Linux.class, Errno.class}) {
            for (Field field : type.getDeclaredFields()) {
                int modifiers = field.getModifiers();
                if (!Modifier.isStatic(modifiers) || !Modifier.isFinal(modifiers) || !field.getType().isPrimitive()) {
                    continue;
                }
                field.setAccessible(true);
                constants.put(type.getSimpleName() + "." + field.getName(), ((Number) field.get(null)).longValue());
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
