import ToyCore

/// Sparse autoencoders a `sae` statement defined on a model, and how they were made: the
/// session keeps them in their model's entry (`ModelEntry.autoencoders`), and `save` writes
/// them into the model's file.
///
/// Instances: every SAE setting (a point of the statement's sweep) on every model setting it
/// reads (`instance=`, default all), `seeds` each, in that order: instance
/// `(setting · modelSettings.count + k) · seeds + seed` reads the shown (lowest-loss) seed of
/// model setting `modelSettings[k]`.
public struct AutoencoderEntry: Sendable {
  public var name: String
  public var autoencoder: SparseAutoencoder
  /// One label row per SAE setting: its sweep values (e.g. [("d", 4)]); without a sweep, its
  /// latents and its l1 or topk.
  public var settings: [[(String, Double)]]
  /// Per instance: its SAE setting, the model setting it reads, and its seed number.
  public var instances: [Instance]
  /// How training replaces dead latents (`resample=`); nil: never.
  public var resampling: Resampling?
  /// Whether `reset` re-initialised the model after these autoencoders last trained: the
  /// weights they learned to read are gone, whatever the model's steps say now.
  public var modelResetSince = false

  public struct Instance: Sendable, Equatable {
    public var setting: Int
    public var modelSetting: Int
    public var seed: Int
  }

  /// The model setting each instance reads, and its instance of the model.
  public func source(instance: Int) -> Int { autoencoder.settings[instance].source }

  /// Whether any instance reads another model setting than the first: the rows then name
  /// the model setting too.
  public var readsSeveralModelSettings: Bool { Set(instances.map(\.modelSetting)).count > 1 }

  public var seeds: Int { (instances.map(\.seed).max() ?? 0) + 1 }
}

extension ModelEntry {
  /// Forgets this model's autoencoders called `name` (a new set takes the name).
  mutating func removeAutoencoders(named name: String) {
    guard let index = autoencoders.firstIndex(where: { $0.name == name }) else { return }
    autoencoders.remove(at: index)
    guard let current = currentAutoencoderIndex else { return }
    if current == index {
      currentAutoencoderIndex = autoencoders.isEmpty ? nil : autoencoders.count - 1
    } else if current > index {
      currentAutoencoderIndex = current - 1
    }
  }

  /// The current autoencoders (the last defined, or the one `use` chose), nil before any.
  public var currentAutoencoder: AutoencoderEntry? {
    currentAutoencoderIndex.flatMap { autoencoders.indices.contains($0) ? autoencoders[$0] : nil }
  }
}

extension AutoencoderEntry {
  /// Autoencoders read from a model file: each instance a setting of its own, labelled by its
  /// latents and its l1 or topk, reading the loaded model's instance it names (the loaded
  /// model has a setting per instance), and resampling as the file's `resample` says.
  init(loaded autoencoder: SparseAutoencoder, named name: String, resampling: Resampling?) {
    self.init(
      name: name, autoencoder: autoencoder,
      settings: autoencoder.settings.map { Session.labels(latents: $0.latents, variant: $0.variant) },
      instances: autoencoder.settings.indices.map {
        Instance(setting: $0, modelSetting: autoencoder.settings[$0].source, seed: 0)
      }, resampling: resampling)
  }
}
