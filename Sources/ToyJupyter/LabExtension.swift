import Foundation
import ToyCore
import ToyLanguage

/// toy's JupyterLab extension, `toy-language`: the CodeMirror language that highlights toy
/// cells (the kernel's `codemirror_mode` is `toy`) and `.toy` files in JupyterLab and
/// Notebook 7.
///
/// It is a prebuilt ("federated") labextension: a `package.json` naming its script and the
/// script itself, which JupyterLab finds in any `share/jupyter/labextensions` directory of
/// its data path, with no build step. `toy kernel install` writes it next to the kernelspec.
public enum LabExtension {
  /// The extension's name: its directory under `labextensions/` and its `package.json` name.
  public static let name = "toy-language"

  /// The extension's files, paths relative to its directory.
  public static var files: [(path: String, contents: String)] {
    [
      ("package.json", packageJSON),
      ("install.json", json(installJSON)),
      ("static/" + scriptName, script),
    ]
  }

  /// The part of `package.json` JupyterLab reads: the script to load and the module in it
  /// that holds the plugins.
  static var packageJSON: String {
    json([
      "name": name,
      "version": toyVersion,
      "description": "toy's language in JupyterLab: highlighting for toy cells and .toy files.",
      "jupyterlab": [
        "extension": true,
        "_build": ["load": "static/" + scriptName, "extension": "./extension"],
      ],
    ])
  }

  /// What `jupyter labextension list` says about where the extension came from.
  static var installJSON: [String: Any] {
    [
      "packageManager": "toy",
      "packageName": "toy",
      "uninstallInstructions": "Remove labextensions/toy-language, written by toy kernel install beside kernels/toy",
    ]
  }

  private static func json(_ object: [String: Any]) -> String {
    JSON.write(JSON.Node(object), indented: true) + "\n"
  }
}
