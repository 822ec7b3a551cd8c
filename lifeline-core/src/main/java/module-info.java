/**
 * lifeline: is the daemon alive? A daemon holds a named pipe open for reading; a checker asks
 * the kernel, with one non-blocking open, whether anybody still does. See {@link dev.lifeline}.
 */
module dev.lifeline {
    exports dev.lifeline;
}
