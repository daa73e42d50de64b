package haven.pacemaker;

/** A CIB that cannot be imported: the sentence says where and what to do. */
public final class ImportException extends Exception {
    public ImportException(String message) {
        super(message);
    }
}
