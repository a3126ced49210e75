import Foundation
import Glibc

/// The data dir's layout and who may enter it. Without `REELDESK_SOCKET_GROUP` everything is
/// the service user's alone (dirs 0700, files 0600): nginx's workers must run as that user, as
/// they do under `make run`. With a group (nginx's, e.g. `www-data`), dirs are 2750 and files
/// 0640 in that group, so nginx can reach the socket and serve media, and nobody else can.
public enum DataDirectory {
    /// Sets the process umask and creates (or tightens) the data dir and its subfolders.
    /// Throws a message naming REELDESK_DATA_DIR when it cannot be created or written.
    public static func prepare(_ config: Config) throws {
        umask(config.socketGroup == nil ? 0o077 : 0o027)
        let gid = config.socketGroup.flatMap { name in getgrnam(name).map { $0.pointee.gr_gid } }
        for dir in [config.dataDir, config.mediaDir, config.uploadsDir, config.scratchDir, config.dataDir + "/logs"] {
            if let problem = makeDirectories(dir) {
                throw ConfigError(variable: "REELDESK_DATA_DIR", reason: "cannot create \(dir) (\(problem)); choose a folder you can write to")
            }
            restrict(dir, directory: true, gid: gid)
        }
        guard access(config.dataDir, W_OK | X_OK) == 0 else {
            throw ConfigError(variable: "REELDESK_DATA_DIR", reason: "\(config.dataDir) is not writable by this user; choose a folder you can write to")
        }
        for file in [config.databasePath, config.databasePath + "-wal", config.databasePath + "-shm", config.secretPath]
        where FileManager.default.fileExists(atPath: file) {
            chmod(file, 0o600)  // the database and the secret are never nginx's business
        }
    }

    /// Mode 0700/2750 for dirs in the service user's or the group's hands.
    package static func restrict(_ path: String, directory: Bool, gid: gid_t?) {
        if let gid {
            _ = chown(path, uid_t.max, gid)  // -1: keep the owner
            chmod(path, directory ? 0o2750 : 0o640)
        } else {
            chmod(path, directory ? 0o700 : 0o600)
        }
    }

    /// `mkdir -p`; nil on success, else the system's reason.
    package static func makeDirectories(_ path: String) -> String? {
        var partial = ""
        for component in path.split(separator: "/") {
            partial += "/" + component
            if mkdir(partial, 0o700) != 0 && errno != EEXIST { return String(cString: strerror(errno)) }
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else { return "not a directory" }
        return nil
    }
}
