/**
 * lifeline: is the daemon alive? A daemon holds a named pipe open for reading; a checker asks
 * the kernel, with one non-blocking open, whether anybody still does. See {@link dev.lifeline}.
 */
module dev.lifeline {
    // JNA: the native backend on Java 17 to 21, optional (internal.linux.jna alone refers to it).
    requires static com.sun.jna;
    exports dev.lifeline;
}
