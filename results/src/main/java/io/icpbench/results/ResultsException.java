package io.icpbench.results;

/** A results file that cannot be read: the message names the file, the field and the problem. */
public class ResultsException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ResultsException(String message) {
        super(message);
    }

    public ResultsException(String message, Throwable cause) {
        super(message, cause);
    }
}
