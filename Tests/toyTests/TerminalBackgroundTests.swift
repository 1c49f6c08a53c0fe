import Foundation
import ToyPlot
import XCTest

@testable import toy

#if canImport(Glibc)
  import Glibc
#endif

/// OSC 11: the reply's colour, the theme it calls for, and the question asked of a real
/// pseudo-terminal.
final class TerminalBackgroundTests: XCTestCase {
  func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

  /// A new pseudo-terminal's two sides. Swift's Glibc module leaves out posix_openpt and
  /// its kin, so this is Linux's own way: /dev/ptmx, unlocked and numbered by ioctl.
  func pseudoTerminal() throws -> (master: Int32, slave: Int32) {
    let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
    guard master >= 0 else { throw XCTSkip("no /dev/ptmx") }
    var unlock: Int32 = 0
    var number: UInt32 = 0
    // TIOCSPTLCK and TIOCGPTN (asm-generic/ioctls.h), which Swift does not import.
    guard ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
      close(master)
      throw XCTSkip("cannot unlock a pseudo-terminal")
    }
    let slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
    XCTAssertGreaterThanOrEqual(slave, 0)
    return (master, slave)
  }

  func testRepliesOfFourTwoAndOneHexDigitsAreRead() throws {
    let four = try XCTUnwrap(TerminalBackground.color(ofReply: bytes("\u{1B}]11;rgb:ffff/8000/0000\u{07}")))
    XCTAssertEqual(four.red, 1)
    XCTAssertEqual(four.green, 32768.0 / 65535, accuracy: 1e-12)
    XCTAssertEqual(four.blue, 0)
    let two = try XCTUnwrap(TerminalBackground.color(ofReply: bytes("\u{1B}]11;rgb:1e/1e/2e\u{1B}\\")))
    XCTAssertEqual(two.red, 30.0 / 255, accuracy: 1e-12)
    XCTAssertEqual(two.blue, 46.0 / 255, accuracy: 1e-12)
    let one = try XCTUnwrap(TerminalBackground.color(ofReply: bytes("\u{1B}]11;rgb:f/f/e\u{07}")))
    XCTAssertEqual(one.blue, 14.0 / 15, accuracy: 1e-12)
    let alpha = try XCTUnwrap(TerminalBackground.color(ofReply: bytes("\u{1B}]11;rgba:0000/0000/ffff/ffff\u{07}")))
    XCTAssertEqual(alpha.blue, 1)
    // With the device attributes after it, as the question asks for both.
    XCTAssertNotNil(TerminalBackground.color(ofReply: bytes("\u{1B}]11;rgb:0/0/0\u{07}\u{1B}[?1;2c")))
    for bad in [
      "", "\u{1B}[?1;2c", "\u{1B}]11;rgb:ff/ff\u{07}", "\u{1B}]11;rgb:fffff/0/0\u{07}", "\u{1B}]11;rgb:gg/0/0\u{07}",
      "\u{1B}]11;#ffffff\u{07}", "\u{1B}]10;rgb:0/0/0\u{07}",
    ] {
      XCTAssertNil(TerminalBackground.color(ofReply: bytes(bad)), bad.debugDescription)
    }
  }

  func testDarkAndLightFromTheLuminance() {
    XCTAssertEqual(TerminalBackground.theme(ofReply: bytes("\u{1B}]11;rgb:0000/0000/0000\u{07}")), .dark)
    XCTAssertEqual(TerminalBackground.theme(ofReply: bytes("\u{1B}]11;rgb:ffff/ffff/ffff\u{07}")), .light)
    // Solarized's dark base03 (0,43,54) and light base3 (253,246,227).
    XCTAssertEqual(TerminalBackground.theme(ofReply: bytes("\u{1B}]11;rgb:00/2b/36\u{07}")), .dark)
    XCTAssertEqual(TerminalBackground.theme(ofReply: bytes("\u{1B}]11;rgb:fd/f6/e3\u{07}")), .light)
    // Mid grey 0x77 has luminance 0.184, just above the point where black and white text
    // contrast equally (0.179): light; 0x74 (0.178) is dark.
    XCTAssertEqual(TerminalBackground.theme(ofReply: bytes("\u{1B}]11;rgb:77/77/77\u{07}")), .light)
    XCTAssertEqual(TerminalBackground.theme(ofReply: bytes("\u{1B}]11;rgb:74/74/74\u{07}")), .dark)
    XCTAssertNil(TerminalBackground.theme(ofReply: bytes("\u{1B}[?1;2c")))
    // The threshold: white and black text have equal WCAG contrast on it.
    let l = TerminalBackground.darkBelow
    XCTAssertEqual((1 + 0.05) / (l + 0.05), (l + 0.05) / 0.05, accuracy: 1e-9)
  }

  func testAutoAsksTheTerminalOnlyWhenCOLORFGBGSaysNothing() {
    var asked = 0
    let terminal = { () -> Theme? in
      asked += 1
      return .light
    }
    XCTAssertEqual(TerminalPolicy.theme(.auto, environment: ["COLORFGBG": "15;0"], terminal: terminal), .dark)
    XCTAssertEqual(TerminalPolicy.theme(.dark, environment: [:], terminal: terminal), .dark)
    XCTAssertEqual(asked, 0)
    XCTAssertEqual(TerminalPolicy.theme(.auto, environment: [:], terminal: terminal), .light)
    XCTAssertEqual(asked, 1)
  }

  /// A pseudo-terminal plays the terminal: toy's question arrives on its master side, the
  /// replies typed there are read whole, a key typed after them stays, and the terminal's
  /// settings are as before.
  func testTheQuestionReadsTheRepliesAndLeavesTheRestAndTheSettings() throws {
    let (master, slave) = try pseudoTerminal()
    defer {
      close(master)
      close(slave)
    }
    var before = termios()
    tcgetattr(slave, &before)
    let typed = bytes("\u{1B}]11;rgb:2828/2c2c/3434\u{07}\u{1B}[?62;22cx")
    XCTAssertEqual(typed.withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count) }, typed.count)
    let reply = TerminalBackground.query(input: slave, output: slave, timeout: 2000)
    XCTAssertEqual(reply, Array(typed.dropLast()), "read up to the end of the device attributes")
    XCTAssertEqual(TerminalBackground.theme(ofReply: reply), .dark)
    var after = termios()
    tcgetattr(slave, &after)
    XCTAssertEqual(after.c_lflag, before.c_lflag, "echo and line editing restored")
    // What toy wrote: the question, on the master side.
    var question = [UInt8](repeating: 0, count: 256)
    let count = read(master, &question, 256)
    XCTAssertTrue(
      String(decoding: question.prefix(max(0, count)), as: UTF8.self).contains("\u{1B}]11;?\u{07}\u{1B}[c"))
    var rest = before
    rest.c_lflag &= ~tcflag_t(ICANON)
    tcsetattr(slave, TCSANOW, &rest)
    var byte: UInt8 = 0
    XCTAssertEqual(read(slave, &byte, 1), 1)
    XCTAssertEqual(byte, UInt8(ascii: "x"), "the key typed after the replies is left for the prompt")
  }

  /// A terminal that answers nothing costs the timeout and no more.
  func testATerminalThatAnswersNothingTimesOut() throws {
    let (master, slave) = try pseudoTerminal()
    defer {
      close(master)
      close(slave)
    }
    let start = ContinuousClock.now
    XCTAssertEqual(TerminalBackground.query(input: slave, output: slave, timeout: 100), [])
    let elapsed = ContinuousClock.now - start
    XCTAssertLessThan(elapsed, .seconds(1), "\(elapsed)")
    XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(90), "\(elapsed)")
  }
}
