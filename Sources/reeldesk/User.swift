import ArgumentParser
import Foundation
import Reeldesk
import ReeldeskSystem

/// `reeldesk user …`: accounts from the command line (on the server, as the service user).
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage accounts.",
        subcommands: [Add.self, Passwd.self, Disable.self, Enable.self, List.self, Bootstrap.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an account (a member unless --admin or --viewer).")
        @Argument(help: "1–32 characters from A–Z, a–z, digits, dots, dashes and underscores.") var name: String
        @Flag(help: "An admin: sees everything, manages accounts, budgets and settings.") var admin = false
        @Flag(help: "A viewer: sees the team's tasks, cannot submit.") var viewer = false
        @Flag(help: "Read the password from the first line of standard input (else a random one is printed).") var passwordStdin = false

        func validate() throws {
            if admin && viewer { throw ValidationError("choose --admin or --viewer, not both") }
        }

        func run() throws {
            let role = admin ? "admin" : viewer ? "viewer" : "member"
            try runUser { try $0.add(name: name, role: role, password: passwordStdin ? readPassword() : nil) }
        }
    }

    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a new password (the account's sessions end).")
        @Argument var name: String
        @Flag(help: "Read the password from the first line of standard input (else a random one is printed).") var passwordStdin = false
        func run() throws { try runUser { try $0.passwd(name: name, password: passwordStdin ? readPassword() : nil) } }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account (its sessions and live updates end at once).")
        @Argument var name: String
        func run() throws { try runUser { try $0.setDisabled(name: name, true) } }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account.")
        @Argument var name: String
        func run() throws { try runUser { try $0.setDisabled(name: name, false) } }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts: name, role, status, display name.")
        func run() throws { try runUser { try $0.list().joined(separator: "\n") } }
    }

    struct Bootstrap: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "On a first start with no accounts, create admin with a random password and print it once.")
        func run() throws { try runUser { try $0.bootstrap() ?? "" } }
    }
}

private func runUser(_ body: (UserCommands) throws -> String) throws {
    do {
        let line = try body(try UserCommands(config: loadConfig()))
        if !line.isEmpty { print(line) }
    } catch let e as UserCommandError {
        die(e.description)
    } catch {
        die("\(error)")
    }
}

/// The first line of standard input, without its line end.
private func readPassword() -> String {
    guard let line = readLine(strippingNewline: true) else { die("no password on standard input") }
    return line
}
