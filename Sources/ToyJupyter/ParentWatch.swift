import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Whether the process that started the kernel is still there. A kernel whose front end was
/// killed has nobody left to shut it down; ipykernel follows its parent the same two ways.
///
/// Jupyter names the front end's pid in `JPY_PARENT_PID` (it may not be the direct parent:
/// a wrapper can sit between); without it, the kernel's parent at start is watched, and a
/// parent that changes (the orphan was adopted by init or a subreaper) counts as gone.
struct ParentWatch {
  let parentAtStart = getppid()
  let named: pid_t?

  init(environment: [String: String] = ProcessInfo.processInfo.environment) {
    named = environment["JPY_PARENT_PID"].flatMap { pid_t($0) }.flatMap { $0 > 1 ? $0 : nil }
  }

  /// Why the kernel should exit, or nil while its parent lives.
  func gone() -> String? {
    if let named, kill(named, 0) != 0, errno == ESRCH {
      return "the front end (JPY_PARENT_PID \(named)) is gone"
    }
    if parentAtStart > 1, getppid() != parentAtStart {
      return "the parent process (\(parentAtStart)) is gone"
    }
    return nil
  }
}
