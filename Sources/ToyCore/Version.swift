/// The version of toy, written into saved models and shown by `toy --version`.
public let toyVersion = "0.1.0"
