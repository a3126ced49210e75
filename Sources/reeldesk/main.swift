import ArgumentParser

// Kept tiny: top-level code is main-actor isolated; the commands live in their own files.
ReeldeskCommand.main()
