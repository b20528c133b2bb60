package dev.vitals.catalog;

/** An invalid catalog: the message names the file, the path inside it and what is expected. */
public class CatalogException extends RuntimeException {
    public CatalogException(String message) {
        super(message);
    }
}
