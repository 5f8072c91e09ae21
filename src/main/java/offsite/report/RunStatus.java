package offsite.report;

/** The first word of every report. WARN still exits 0: the run did what it safely could and needs a look. */
public enum RunStatus {
    OK, WARN, FAILED;

    public RunStatus worst(RunStatus other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
