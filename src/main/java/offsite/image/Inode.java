package offsite.image;

/** A file's identity, shared by all its names: its hard links, and a bind mount's names for it. */
record Inode(long device, long inode) {

    static Inode of(FileStatus st) {
        return new Inode(st.device(), st.inode());
    }
}
