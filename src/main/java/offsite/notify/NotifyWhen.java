package offsite.notify;

/** When a mirror pass's report goes out: after every pass, or only after one that warned or failed. */
public enum NotifyWhen {
    ALWAYS, PROBLEMS
}
