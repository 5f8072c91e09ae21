package offsite.image;

import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import com.sun.jna.ptr.PointerByReference;
import java.util.HashMap;
import java.util.Map;

/**
 * User and group names by id, as the tar's uname and gname fields hold them ("" for an id with no account here),
 * each asked of libc once per instance: make one per tar, so that a renamed account is seen by the next.
 */
final class Accounts {

    private final Map<Integer, String> users = new HashMap<>();
    private final Map<Integer, String> groups = new HashMap<>();
    private final Memory record = new Memory(256);
    private final Memory buffer = new Memory(64 << 10);

    String user(int uid) {
        return users.computeIfAbsent(uid, id -> lookup(id, true));
    }

    String group(int gid) {
        return groups.computeIfAbsent(gid, id -> lookup(id, false));
    }

    /** pw_name and gr_name are the first field of struct passwd and struct group. */
    private String lookup(int id, boolean user) {
        PointerByReference result = new PointerByReference();
        NativeLong size = new NativeLong(buffer.size());
        int error = user ? LibC.INSTANCE.getpwuid_r(id, record, buffer, size, result)
                : LibC.INSTANCE.getgrgid_r(id, record, buffer, size, result);
        if (error != 0 || result.getValue() == null) {
            return "";
        }
        return result.getValue().getPointer(0).getString(0, LibC.FILE_NAMES.name());
    }
}
