package dev.lifeline.internal.linux.jdk;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.FileSystems;

/**
 * The JDK's own natives for its file system, {@code sun.nio.fs.UnixNativeDispatcher}: open, fstat,
 * stat, lstat and close, already linked by the JDK when it starts (its {@code libnio}), reached by
 * core reflection. Found once; {@link #PROBLEM} says why not where they cannot be used: java.base
 * does not open {@code sun.nio.fs} to lifeline ({@code --add-opens}), or this JDK's shapes differ
 * from the ones written here (JDK 25's; a test fails the build if the pinned JDK changes them).
 *
 * <p>Core reflection, not method handles: with {@code -Djdk.reflect.useNativeAccessorOnly=true} (the
 * lifeline command passes it) a reflective call goes straight through JNI, where a method handle
 * would make the JVM spin lambda-form classes on first use, milliseconds each at start-up.
 */
final class UnixDispatcher {
    /** Why these natives cannot be used here; null when they can. */
    static final String PROBLEM;
    static final Method OPEN;
    static final Method FSTAT;
    static final Method STAT;
    static final Method LSTAT;
    static final Method CLOSE;
    static final Constructor<?> NEW_PATH;
    static final Constructor<?> NEW_ATTRIBUTES;
    static final Method MODE;
    static final Method UID;
    static final Method DEV;
    static final Method INO;
    static final Method NLINK;
    static final Method ERRNO;
    static final Field ATIME_SEC;
    static final Field ATIME_NSEC;
    static final Field MTIME_SEC;
    static final Field MTIME_NSEC;
    static final Class<?> UNIX_EXCEPTION;
    /** The default file system, as the JDK's paths hold it. */
    static final Object FILE_SYSTEM = FileSystems.getDefault();

    static {
        String problem = null;
        Method open = null, fstat = null, stat = null, lstat = null, close = null;
        Method mode = null, uid = null, dev = null, ino = null, nlink = null, errno = null;
        Constructor<?> newPath = null, newAttributes = null;
        Field atimeSec = null, atimeNsec = null, mtimeSec = null, mtimeNsec = null;
        Class<?> unixException = null;
        try {
            Class<?> dispatcher = Class.forName("sun.nio.fs.UnixNativeDispatcher");
            if (!dispatcher.getModule().isOpen("sun.nio.fs", UnixDispatcher.class.getModule())) {
                problem = "java.base does not open sun.nio.fs to lifeline (--add-opens java.base/sun.nio.fs=ALL-UNNAMED)";
            } else {
                Class<?> path = Class.forName("sun.nio.fs.UnixPath");
                Class<?> attributes = Class.forName("sun.nio.fs.UnixFileAttributes");
                unixException = Class.forName("sun.nio.fs.UnixException");
                open = accessible(dispatcher.getDeclaredMethod("open", path, int.class, int.class), int.class);
                fstat = accessible(dispatcher.getDeclaredMethod("fstat", int.class, attributes), void.class);
                stat = accessible(dispatcher.getDeclaredMethod("stat", path, attributes), void.class);
                lstat = accessible(dispatcher.getDeclaredMethod("lstat", path, attributes), void.class);
                close = accessible(dispatcher.getDeclaredMethod("close0", int.class), void.class);
                newPath = accessible(path.getDeclaredConstructor(Class.forName("sun.nio.fs.UnixFileSystem"), byte[].class));
                newAttributes = accessible(attributes.getDeclaredConstructor());
                mode = accessible(attributes.getDeclaredMethod("mode"), int.class);
                uid = accessible(attributes.getDeclaredMethod("uid"), int.class);
                dev = accessible(attributes.getDeclaredMethod("dev"), long.class);
                ino = accessible(attributes.getDeclaredMethod("ino"), long.class);
                nlink = accessible(attributes.getDeclaredMethod("nlink"), int.class);
                errno = accessible(unixException.getDeclaredMethod("errno"), int.class);
                atimeSec = field(attributes, "st_atime_sec");
                atimeNsec = field(attributes, "st_atime_nsec");
                mtimeSec = field(attributes, "st_mtime_sec");
                mtimeNsec = field(attributes, "st_mtime_nsec");
                for (Method m : new Method[] {open, fstat, stat, lstat, close}) {
                    if (!java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
                        throw new NoSuchMethodException(m + " is not static");
                    }
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            problem = "this JDK's sun.nio.fs is not the one lifeline knows (" + e + ")";
        }
        PROBLEM = problem;
        OPEN = open;
        FSTAT = fstat;
        STAT = stat;
        LSTAT = lstat;
        CLOSE = close;
        NEW_PATH = newPath;
        NEW_ATTRIBUTES = newAttributes;
        MODE = mode;
        UID = uid;
        DEV = dev;
        INO = ino;
        NLINK = nlink;
        ERRNO = errno;
        ATIME_SEC = atimeSec;
        ATIME_NSEC = atimeNsec;
        MTIME_SEC = mtimeSec;
        MTIME_NSEC = mtimeNsec;
        UNIX_EXCEPTION = unixException;
    }

    private UnixDispatcher() {
    }

    private static Method accessible(Method method, Class<?> returns) throws NoSuchMethodException {
        if (method.getReturnType() != returns) {
            throw new NoSuchMethodException(method + " does not return " + returns);
        }
        method.setAccessible(true);
        return method;
    }

    private static <T> Constructor<T> accessible(Constructor<T> constructor) {
        constructor.setAccessible(true);
        return constructor;
    }

    private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
        Field field = owner.getDeclaredField(name);
        if (field.getType() != long.class) {
            throw new NoSuchFieldException(field + " is not a long");
        }
        field.setAccessible(true);
        return field;
    }

    /**
     * Calls a static native of the dispatcher: its result, or minus errno for the
     * {@code UnixException} it threw. Anything else it throws (an Error) goes on.
     */
    static int call(Method method, Object... arguments) {
        try {
            Object result = method.invoke(null, arguments);
            return result == null ? 0 : (Integer) result;
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (UNIX_EXCEPTION.isInstance(cause)) {
                int errno = (Integer) get(ERRNO, cause);
                if (errno <= 0) {
                    // The JDK makes a few of these with a message and no errno: no answer can be
                    // read from one, and 0 would pass for success.
                    throw new IllegalStateException("lifeline: the JDK's " + method.getName() + " failed without an errno: "
                            + cause.getMessage(), cause);
                }
                return -errno;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An accessor of a JDK object (no exception of its own). */
    static Object get(Method method, Object target) {
        try {
            return method.invoke(target);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A field of a JDK object: the slow way (a field accessor is a method handle), for rare cases. */
    static long get(Field field, Object target) {
        try {
            return field.getLong(target);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    static Object newInstance(Constructor<?> constructor, Object... arguments) {
        try {
            return constructor.newInstance(arguments);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
