/// The commit toy was built from: stamped by `scripts/install` and `scripts/release` while
/// they build, empty in a plain `swift build`.
public let buildCommit = ""

/// "0.1.0", or "0.1.0 (commit abc1234)" for a stamped build.
public var toyVersionDescription: String {
  buildCommit.isEmpty ? toyVersion : "\(toyVersion) (commit \(buildCommit))"
}
