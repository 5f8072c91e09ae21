package offsite.cli;

/** One line for a failure at start-up: the innermost message, which for settings names the setting. */
final class Failure {

    private Failure() {
    }

    static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t
                && (t.getMessage() == null || !(t instanceof IllegalArgumentException))) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
