import Foundation
import Glibc

/// A megabyte kept in the data dir for one purpose: when the disk fills, giving it back lets
/// SQLite record that (a task says "the disk is full" instead of the write failing too). A
/// download starts only when the reserve is in place (or can be made again): the megabyte is
/// for the database, not for the next video.
package enum DiskReserve {
    package static let bytes = 1 << 20
    /// Free space a download needs besides the reserve before it starts (a released reserve is
    /// taken again only then, so the database keeps the room it was given).
    package static let headroom = 2 << 20

    package static func path(_ config: Config) -> String { config.dataDir + "/disk-reserve" }

    /// Makes the reserve if it is missing. False only when the disk has no room for it; a file
    /// system that cannot reserve at all (no `fallocate`) does not hold anything up.
    @discardableResult
    package static func ensure(_ config: Config) -> Bool {
        let p = path(config)
        var st = stat()
        let held = stat(p, &st) == 0 && st.st_size >= bytes
        var fs = statvfs()
        if statvfs(config.dataDir, &fs) == 0 {
            let free = Int(fs.f_bavail) * Int(fs.f_frsize)
            if free < headroom + (held ? 0 : bytes) { return false }
        }
        if held { return true }
        let fd = open(p + ".tmp", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { return errno != ENOSPC && errno != EDQUOT }
        // posix_fallocate really takes the blocks (a sparse file would give nothing back).
        let rc = posix_fallocate(fd, 0, off_t(bytes))
        close(fd)
        if rc == 0 { rename(p + ".tmp", p); return true }
        unlink(p + ".tmp")
        return rc != ENOSPC && rc != EDQUOT
    }

    /// Frees the reserve; true when there was one to free.
    @discardableResult
    package static func release(_ config: Config) -> Bool { unlink(path(config)) == 0 }
}
