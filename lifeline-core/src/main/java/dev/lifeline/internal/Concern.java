package dev.lifeline.internal;

/**
 * One thing the strict checks found unsafe about the place of a beacon, as a sentence for people
 * and as a kind for code, which never has to read the sentence.
 *
 * @param kind what sort of concern
 * @param text the concern, as a human sentence
 */
public record Concern(Kind kind, String text) {
    public enum Kind {
        /** A directory on the way that others may write without the sticky bit. */
        WRITABLE_BY_OTHERS,
        /** A directory on the way owned by a user other than root and the holder (holders only). */
        FOREIGN_OWNER,
        /** The FIFO lies on a file system shared between hosts. */
        REMOTE_FILE_SYSTEM,
        /** The FIFO is owned by neither root nor its directory's owner (checkers only). */
        FOREIGN_FIFO
    }
}
