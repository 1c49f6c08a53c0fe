import Foundation
import XCTest

// Testable: these tests write states no public API makes (every float pattern, a NaN weight).
@testable import ToyCore
@testable import ToyLanguage

/// Saving and loading files: exact floats, atomic replacement, and errors that name the file
/// and say what is wrong.
final class ModelStoreTests: XCTestCase {
  var directory = ""

  override func setUpWithError() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("toy-store-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(atPath: directory)
  }

  func makeModel(_ kind: ModelKind = .relu) throws -> ToyModel {
    var model = try ToyModel(
      kind: kind, n: 5, m: 2, importance: [[1, 0.9, 0.8, 0.7, 0.6], [1, 1, 1, 1, 1]],
      density: [[1, 1, 1, 1, 1], [0.1, 0.1, 0.1, 0.1, 0.1]], seed: 3)
    var options = TrainingOptions(steps: 5)
    options.batchSize = 32
    try model.train(options)
    return model
  }

  func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

  func contents() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
  }

  /// The load error for a file holding `text`, rendered.
  func loadError(writing text: String, name: String = "model.json") throws -> String {
    let path = "\(directory)/\(name)"
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return try loadError(path: path)
  }

  func loadError(path: String) throws -> String {
    do {
      _ = try ModelStore.load(from: path)
      XCTFail("\(path) loaded")
      return ""
    } catch {
      return error.description
    }
  }

  /// The saved JSON of a model as a dictionary, to break on purpose.
  func savedJSON() throws -> [String: Any] {
    let path = "\(directory)/good.json"
    try ModelStore.save(makeModel(), to: path)
    return try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
  }

  func text(_ json: [String: Any]) throws -> String {
    String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
  }

  // MARK: Saving and loading

  func testSaveThenLoadIsExactAndLeavesNoTemporaryFile() throws {
    for kind in ModelKind.allCases {
      let model = try makeModel(kind)
      let path = "\(directory)/\(kind.rawValue).json"
      try ModelStore.save(model, to: path)
      let loaded = try ModelStore.load(from: path)
      XCTAssertEqual(loaded, model)
      XCTAssertEqual(bits(loaded.parameters), bits(model.parameters))
      XCTAssertEqual(bits(loaded.secondMoment), bits(model.secondMoment))
    }
    XCTAssertEqual(try contents(), ["abs.json", "hidden_relu.json", "linear.json", "relu.json"])
  }

  func testSaveReplacesAnExistingFile() throws {
    let path = "\(directory)/model.json"
    try Data("old".utf8).write(to: URL(fileURLWithPath: path))
    let model = try makeModel()
    try ModelStore.save(model, to: path)
    XCTAssertEqual(try ModelStore.load(from: path), model)
    XCTAssertEqual(try contents(), ["model.json"])
  }

  func testSavedFileIsSortedAndPrettyPrinted() throws {
    let path = "\(directory)/model.json"
    try ModelStore.save(makeModel(), to: path)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let topKeys = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { $0.split(separator: "\"")[1] }
    XCTAssertEqual(topKeys, topKeys.sorted())
    XCTAssertTrue(topKeys.contains("format"))
    XCTAssertTrue(text.hasSuffix("}\n"))
  }

  /// Every float written reads back bit for bit: random bit patterns over the whole range,
  /// subnormals, the extremes and −0, in every parameter and moment of a saved model.
  func testEveryFloatRoundTripsBitForBit() throws {
    var state: UInt64 = 0x5EED
    func nextBits() -> UInt32 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return UInt32(truncatingIfNeeded: state >> 32)
    }
    let special: [Float] = [
      0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude,
      Float(bitPattern: 0x007F_FFFF), .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1, 0.1,
      Float(bitPattern: 0x8000_1234),
    ]
    var model = try ToyModel(
      kind: .abs, n: 100, m: 50, importance: [[Float]](repeating: Array(repeating: 1, count: 100), count: 4),
      density: [[Float]](repeating: Array(repeating: 1, count: 100), count: 4))
    func randomFinite() -> Float {
      while true {
        let bits = nextBits()
        // Half of them subnormal (or zero): exponent bits cleared.
        let value = Float(bitPattern: bits & 1 == 0 ? bits & 0x807F_FFFF : bits)
        if value.isFinite { return value }
      }
    }
    for index in model.parameters.indices {
      model.parameters[index] = index < special.count ? special[index] : randomFinite()
      model.firstMoment[index] = randomFinite()
      model.secondMoment[index] = abs(randomFinite())
    }
    let path = "\(directory)/floats.json"
    try ModelStore.save(model, to: path)
    let loaded = try ModelStore.load(from: path)
    XCTAssertEqual(bits(loaded.parameters), bits(model.parameters))
    XCTAssertEqual(bits(loaded.firstMoment), bits(model.firstMoment))
    XCTAssertEqual(bits(loaded.secondMoment), bits(model.secondMoment))
  }

  // MARK: Errors

  func testMissingFile() throws {
    let path = "\(directory)/absent.json"
    XCTAssertEqual(try loadError(path: path), "\(path): no such file")
  }

  func testEmptyFile() throws {
    XCTAssertEqual(try loadError(writing: ""), "\(directory)/model.json: the file is empty")
  }

  func testTruncatedFile() throws {
    let path = "\(directory)/model.json"
    try ModelStore.save(makeModel(), to: path)
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
    XCTAssertEqual(try loadError(path: path), "\(path): the file ends early: it was cut short (truncated)")
  }

  func testGarbage() throws {
    XCTAssertEqual(
      try loadError(writing: "PK\u{3}\u{4} this is a zip file"),
      "\(directory)/model.json: not valid JSON: invalid value around character 0")
    XCTAssertEqual(
      try loadError(writing: "{\"format\": \"toy-model\", \"version\": 1 2}"),
      "\(directory)/model.json: not valid JSON: invalid value around character 37")
    XCTAssertEqual(
      try loadError(writing: "{\"format\": tru}\n"),
      "\(directory)/model.json: not valid JSON: invalid value around character 14")
  }

  func testWrongVersion() throws {
    var json = try savedJSON()
    json["version"] = 4
    XCTAssertEqual(
      try loadError(writing: try text(json)),
      "\(directory)/model.json: unsupported version 4: toy \(toyVersion) reads versions 1, 2 and 3")
  }

  func testWrongFormatIsNamedBeforeMissingKeys() throws {
    XCTAssertEqual(
      try loadError(writing: #"{"format": "notebook", "version": 1}"#),
      "\(directory)/model.json: format is \"notebook\", expected \"toy-model\": not a toy model file")
    XCTAssertEqual(try loadError(writing: "[1, 2]"), "\(directory)/model.json: the top level expected an object")
    XCTAssertEqual(try loadError(writing: #"{"version": 1}"#), "\(directory)/model.json: format missing")
  }

  func testMalformedValuesNameTheKeyPath() throws {
    var json = try savedJSON()
    var instances = json["instances"] as! [[String: Any]]
    instances[1]["W"] = [[0.5, 0.5], [0.5, "x"]]
    json["instances"] = instances
    XCTAssertEqual(
      try loadError(writing: try text(json)), "\(directory)/model.json: instances[1].W[1][1] expected a number")
    instances[1]["W"] = [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]
    instances[1].removeValue(forKey: "adam_v")
    json["instances"] = instances
    XCTAssertEqual(try loadError(writing: try text(json)), "\(directory)/model.json: instances[1].adam_v missing")
  }

  func testNumbersThatDoNotFit() throws {
    var json = try savedJSON()
    json["samples_drawn"] = -1
    XCTAssertEqual(
      try loadError(writing: try text(json)),
      "\(directory)/model.json: samples_drawn is -1, expected a whole number from 0 to 18446744073709551615")
    json["samples_drawn"] = 5
    json["n"] = 2.5
    XCTAssertEqual(try loadError(writing: try text(json)), "\(directory)/model.json: n is 2.5, expected a whole number")
    json["n"] = 5
    var instances = json["instances"] as! [[String: Any]]
    instances[1]["b"] = [0, 0, 1e39, 0, 0]
    json["instances"] = instances
    XCTAssertEqual(
      try loadError(writing: try text(json)),
      "\(directory)/model.json: instances[1].b[2] is 1e+39, beyond the range of a Float32")
  }

  func testDirectoryIsNotAFile() throws {
    XCTAssertEqual(try loadError(path: directory), "\(directory): cannot read: is a directory")
  }

  /// JSONDecoder keeps one of two equal keys silently: a duplicate is refused by its path.
  func testDuplicateKeysAreRefusedByName() throws {
    let path = "\(directory)/model.json"
    try ModelStore.save(makeModel(), to: path)
    let original = try String(contentsOfFile: path, encoding: .utf8)
    var text = original
    let importance = try XCTUnwrap(text.range(of: "\"importance\""))
    text.replaceSubrange(importance.lowerBound..<importance.lowerBound, with: "\"importance\" : [1, 2],\n")
    XCTAssertEqual(
      try loadError(writing: text), "\(path): instances[0].importance appears twice; a model file gives each key once")
    var top = original
    top.insert(contentsOf: "\"n\": 3, \"a\\\"b\": [{\"n\": 1}], ", at: top.index(after: top.firstIndex(of: "{")!))
    XCTAssertEqual(try loadError(writing: top), "\(path): n appears twice; a model file gives each key once")
  }

  /// 1e-50 is valid JSON and, as a Float32, zero: it loads as 0 (JSONDecoder called it "not
  /// valid JSON"); the other numbers keep their bits.
  func testANumberTooSmallForAFloatLoadsAsZero() throws {
    let path = "\(directory)/model.json"
    let model = try makeModel()
    try ModelStore.save(model, to: path)
    var text = try String(contentsOfFile: path, encoding: .utf8)
    let bias = try XCTUnwrap(text.range(of: "\"b\" : ["))
    let end = try XCTUnwrap(text[bias.upperBound...].firstIndex(of: ","))
    text.replaceSubrange(bias.upperBound..<end, with: "-1e-50")
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    let loaded = try ModelStore.load(from: path)
    // The first "b" in the file is the first moment's (adam_m.b).
    var expected = model.firstMoment
    let index = try XCTUnwrap(
      zip(loaded.firstMoment, expected).enumerated().first { $0.element.0.bitPattern != $0.element.1.bitPattern }?
        .offset)
    XCTAssertEqual(loaded.firstMoment[index], 0)
    expected[index] = loaded.firstMoment[index]
    XCTAssertEqual(loaded.firstMoment.map(\.bitPattern), expected.map(\.bitPattern), "only that number changed")
    XCTAssertEqual(loaded.parameters.map(\.bitPattern), model.parameters.map(\.bitPattern))
  }

  /// A FIFO would block the read and /dev/zero never end it: both are refused by what they
  /// are, at once (a symlink is followed to what it names).
  func testLoadRefusesAFIFOAndALinkToADevice() throws {
    let fifo = "\(directory)/pipe.json"
    XCTAssertEqual(mkfifo(fifo, 0o600), 0)
    XCTAssertEqual(try loadError(path: fifo), "\(fifo): cannot load a FIFO; a model file is a regular file")
    let link = "\(directory)/zero.json"
    XCTAssertEqual(symlink("/dev/zero", link), 0)
    XCTAssertEqual(
      try loadError(path: link), "\(link): cannot load a character device; a model file is a regular file")
  }

  func testBadValuesNameTheKeyPath() throws {
    var json = try savedJSON()
    var instances = json["instances"] as! [[String: Any]]
    instances[0]["b"] = [0, 0]
    json["instances"] = instances
    XCTAssertEqual(
      try loadError(writing: try text(json)), "\(directory)/model.json: instances[0].b has 2 values, expected 5")
  }

  func testNonFiniteModelIsRefusedAtSaveAndNothingIsWritten() throws {
    var model = try makeModel()
    model.parameters[3] = .nan
    let path = "\(directory)/model.json"
    XCTAssertThrowsError(try ModelStore.save(model, to: path)) { error in
      XCTAssertEqual(
        "\(error)", "\(path): cannot save: instances[0].W[1][1] is nan; every number must be finite")
    }
    XCTAssertEqual(try contents(), [])
  }

  func testSaveIntoMissingDirectory() throws {
    let path = "\(directory)/nowhere/model.json"
    XCTAssertThrowsError(try ModelStore.save(makeModel(), to: path)) { error in
      XCTAssertEqual("\(error)", "\(path): cannot save: there is no directory \(directory)/nowhere")
    }
  }

  /// Exports and saved cells go through the same writer: a missing directory is named, and
  /// a file that is written replaces the old one whole.
  func testFileWriterNamesAMissingDirectoryAndReplacesWhole() throws {
    XCTAssertThrowsError(try FileWriter.replace("\(directory)/none/x.csv", with: "a")) { error in
      XCTAssertEqual((error as? FileWriter.Failure)?.reason, "there is no directory \(directory)/none")
    }
    let path = "\(directory)/x.csv"
    try FileWriter.replace(path, with: "a much longer first text\n")
    try FileWriter.replace(path, with: "short\n")
    XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "short\n")
    XCTAssertEqual(try contents(), ["x.csv"], "no temporary file is left behind")
  }

  /// A streamed write that fails part way (a full disk, here a producer that throws after
  /// its first piece) leaves the old file as it was and no temporary file behind.
  func testAStreamedWriteThatFailsKeepsTheOldFile() throws {
    let path = "\(directory)/model.json"
    try FileWriter.replace(path, with: "old\n")
    XCTAssertThrowsError(
      try FileWriter.replace(path) { (write) throws(FileWriter.Failure) in
        let piece = UnsafeMutableRawBufferPointer.allocate(byteCount: 8, alignment: 1)
        defer { piece.deallocate() }
        piece.copyBytes(from: Array("new, but".utf8))
        try write(UnsafeRawBufferPointer(piece))
        throw .system("no space left on device")
      }
    ) { error in
      XCTAssertEqual((error as? FileWriter.Failure)?.reason, "no space left on device")
    }
    XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "old\n")
    XCTAssertEqual(try contents(), ["model.json"])
  }

  /// A saved file is the bytes `JSONEncoder` writes for the model's file, plus a newline.
  func testSavedBytesAreTheEncoders() throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    for kind in ModelKind.allCases {
      let model = try makeModel(kind)
      let path = "\(directory)/\(kind.rawValue).json"
      try ModelStore.save(model, to: path)
      XCTAssertEqual(
        try Data(contentsOf: URL(fileURLWithPath: path)), try encoder.encode(model.file) + [UInt8(ascii: "\n")],
        "\(kind)")
    }
  }

  /// A file whose counts pass the size limit is refused by its size, before its instances are
  /// decoded one by one (they are not even the right shape here: the count decides).
  func testAFileClaimingTooManyInstancesIsRefusedByItsSize() throws {
    var json = try savedJSON()
    json["n"] = 50
    json["m"] = 45
    let instance = (json["instances"] as! [Any])[0]
    json["instances"] = [Any](repeating: instance, count: 20_000)
    let error = try loadError(writing: try text(json))
    let size = 3 * 20_000 * (2 * 50 * 45 + 50)
    XCTAssertEqual(
      error, "\(directory)/model.json: the model would need \(size) numbers, more than the limit of \(1 << 28)")
  }

  /// A target that is not a regular file (here a FIFO; as root also /dev/full) is refused
  /// by name and left as it was, not replaced by a regular file.
  func testSaveRefusesATargetThatIsNotARegularFile() throws {
    let fifo = "\(directory)/pipe"
    XCTAssertEqual(mkfifo(fifo, 0o600), 0)
    XCTAssertThrowsError(try ModelStore.save(makeModel(), to: fifo)) { error in
      XCTAssertEqual(
        "\(error)", "\(fifo): cannot save: \(fifo) is a FIFO, not a regular file; toy writes only regular files")
    }
    XCTAssertThrowsError(try FileWriter.replace(directory, with: "a")) { error in
      XCTAssertEqual(
        (error as? FileWriter.Failure)?.reason,
        "\(directory) is a directory, not a regular file; toy writes only regular files")
    }
    var status = stat()
    XCTAssertEqual(lstat(fifo, &status), 0)
    XCTAssertEqual(status.st_mode & S_IFMT, S_IFIFO, "the FIFO is still a FIFO")
    XCTAssertEqual(try contents(), ["pipe"], "no temporary file is left behind")
  }

  /// A symlink is written through: the file it names is replaced (in that file's own
  /// directory, atomically) and the link stays a link.
  func testSaveWritesThroughASymlink() throws {
    let elsewhere = "\(directory)/elsewhere"
    try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
    try FileWriter.replace("\(elsewhere)/real.csv", with: "old\n")
    XCTAssertEqual(symlink("elsewhere/real.csv", "\(directory)/link.csv"), 0)
    try FileWriter.replace("\(directory)/link.csv", with: "new\n")
    XCTAssertEqual(try String(contentsOfFile: "\(elsewhere)/real.csv", encoding: .utf8), "new\n")
    XCTAssertEqual(
      try FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/link.csv"), "elsewhere/real.csv",
      "the link is still a link to the same file")
    XCTAssertEqual(try contents(), ["elsewhere", "link.csv"])
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: elsewhere), ["real.csv"])
  }

  /// An existing file keeps its permission bits (a private 0600 model stays private); a new
  /// file gets the mode the umask allows.
  func testSaveKeepsAnExistingFilesModeAndNewFilesFollowTheUmask() throws {
    func mode(_ path: String) -> mode_t {
      var status = stat()
      XCTAssertEqual(stat(path, &status), 0)
      return status.st_mode & 0o7777
    }
    let path = "\(directory)/model.json"
    try ModelStore.save(makeModel(), to: path)
    XCTAssertEqual(chmod(path, 0o600), 0)
    try ModelStore.save(makeModel(), to: path)
    XCTAssertEqual(mode(path), 0o600, "a 0600 file stays 0600")
    XCTAssertEqual(chmod(path, 0o640), 0)
    try FileWriter.replace(path, with: "x")
    XCTAssertEqual(mode(path), 0o640, "a 0640 file stays 0640")
    let saved = umask(0o027)
    defer { umask(saved) }
    try FileWriter.replace("\(directory)/new.csv", with: "x")
    XCTAssertEqual(mode("\(directory)/new.csv"), 0o640, "umask 027 gives a new file 0640")
  }

  /// `~/` is the home directory when writing, as it is when reading.
  func testTildeIsTheHomeDirectoryForWritingAndReading() throws {
    let home = NSString(string: "~").expandingTildeInPath
    let name = ".toy-tilde-\(getpid()).json"
    defer { try? FileManager.default.removeItem(atPath: home + "/" + name) }
    let model = try makeModel()
    try ModelStore.save(model, to: "~/" + name)
    XCTAssertTrue(FileManager.default.fileExists(atPath: home + "/" + name))
    XCTAssertEqual(try ModelStore.load(from: "~/" + name).file, model.file)
  }
}
