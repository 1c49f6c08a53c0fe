import Foundation
import ToyLanguage
import ToyPlot

/// toy's kernelspec (`kernel.json`): how Jupyter starts the kernel.
public struct KernelSpec {
  public var executable: String

  public init(executable: String) { self.executable = executable }

  public var json: String {
    let spec: [String: Any] = [
      "argv": [executable, "-f", "{connection_file}"],
      "display_name": "toy",
      "language": "toy",
      "interrupt_mode": "message",
      "metadata": ["debugger": false],
    ]
    return JSON.write(JSON.Node(spec), indented: true) + "\n"
  }
}

extension KernelSpec {
  /// The files a kernelspec directory holds besides `kernel.json`: the logos front ends show
  /// in their launchers.
  public static var logos: [(name: String, png: [UInt8])] {
    [32, 64].map { ("logo-\($0)x\($0).png", PNG.encode(pentagon(size: $0))) }
  }

  /// toy's logo: the pentagon five features form in two dimensions (the paper's intro
  /// figure), a filled regular pentagon with a dot at each feature's tip on white, drawn at
  /// `size`×`size` with 4×4 samples a pixel for smooth edges.
  static func pentagon(size: Int) -> [[RGB]] {
    let fill = RGB(66, 110, 200)
    let tip = RGB(200, 60, 50)
    let centre = Double(size) / 2
    let radius = Double(size) * 0.36
    let dot = Double(size) * 0.09
    // Vertices from the top, clockwise.
    let vertices = (0..<5).map { k -> (x: Double, y: Double) in
      let angle = -Double.pi / 2 + 2 * Double.pi * Double(k) / 5
      return (centre + radius * cos(angle), centre + radius * sin(angle))
    }
    func inside(_ x: Double, _ y: Double) -> Bool {
      // Convex: on the same side of every edge (clockwise on screen, y pointing down).
      (0..<5).allSatisfy { k in
        let a = vertices[k]
        let b = vertices[(k + 1) % 5]
        return (b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x) >= 0
      }
    }
    func colour(_ x: Double, _ y: Double) -> RGB? {
      if vertices.contains(where: { ($0.x - x) * ($0.x - x) + ($0.y - y) * ($0.y - y) <= dot * dot }) { return tip }
      return inside(x, y) ? fill : nil
    }
    return (0..<size).map { row in
      (0..<size).map { column in
        var r = 0.0
        var g = 0.0
        var b = 0.0
        for sy in 0..<4 {
          for sx in 0..<4 {
            let c = colour(Double(column) + (Double(sx) + 0.5) / 4, Double(row) + (Double(sy) + 0.5) / 4) ?? .white
            r += Double(c.r)
            g += Double(c.g)
            b += Double(c.b)
          }
        }
        return RGB(UInt8((r / 16).rounded()), UInt8((g / 16).rounded()), UInt8((b / 16).rounded()))
      }
    }
  }
}
