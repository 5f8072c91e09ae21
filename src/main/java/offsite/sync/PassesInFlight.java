package offsite.sync;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The mirror passes running now, for what lives longer than a pass: the status page's live progress, and a
 * shutdown that must stop them. A pass is added when it begins and removed when its report is written.
 */
public final class PassesInFlight {

    private final Set<Pass> running = ConcurrentHashMap.newKeySet();

    void begin(Pass pass) {
        running.add(pass);
    }

    void end(Pass pass) {
        running.remove(pass);
    }

    /** The progress of the pass that is sending, or null when none is. */
    public RunProgress progress() {
        return running.stream().filter(p -> !p.dryRun() && p.progress() != null).map(Pass::progress).findFirst().orElse(null);
    }

    /**
     * What a one-shot command shows: the progress of the pass that is sending, else the hashing of a pass that is planning
     * (a dry run's too: verify's); null when neither.
     */
    public RunProgress current() {
        RunProgress sending = progress();
        return sending != null ? sending : running.stream().filter(p -> p.plan() == null && p.hashing() != null).map(Pass::hashing)
                .findFirst().orElse(null);
    }

    /** The pass under way, for the stall watch (a dry run sends nothing, a stall neither): null when none runs. */
    public RunUnderWay underWay() {
        Pass pass = running.stream().filter(p -> !p.dryRun()).findFirst().orElse(null);
        if (pass == null) {
            return null;
        }
        RunProgress sending = pass.progress();
        RunProgress hashing = pass.hashing();
        long moved = (sending == null ? 0 : sending.sent()) + (hashing == null ? 0 : hashing.sent()) + pass.steps();
        boolean uploading = sending != null && (!sending.inFlight().isEmpty() || sending.sent() < sending.plannedBytes());
        String doing = uploading ? RunUnderWay.sending(sending)
                : pass.plan() != null ? "after the uploads (trash moves, the trash's purge, the listing kept)"
                : "planning (walking the set, listing the bucket" + (hashing == null ? ")" : ", hashing)");
        return new RunUnderWay(pass, pass.started(), moved, doing);
    }

    /**
     * Stops every pass: no new upload starts, and parts in flight are abandoned at their next read (the next pass
     * resumes from the parts already stored), so a stop signal ends the process within seconds.
     */
    public void stopAll(String reason) {
        for (Pass p : running) {
            p.window().abandon(reason);
        }
    }
}
