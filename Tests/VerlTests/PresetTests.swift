import Foundation
import Testing
@testable import Verl

@Suite struct PresetTests {
    static let knownKeys: Set<String> = {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/verl-config-keys.txt").path
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return Set(text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init))
    }()

    /// Every key a launch sets exists in upstream verl's config (the fixture lists them, as checked against verl).
    @Test(arguments: VerlPreset.all.map(\.name)) func everyKeyExistsInVerl(preset: String) throws {
        let launch = VerlLaunch(directory: "/runs/x", runName: "x", preset: try #require(VerlPreset.named(preset)), binary: "/bin/oneshot")
        #expect(!PresetTests.knownKeys.isEmpty)
        for override in launch.overrides { #expect(PresetTests.knownKeys.contains(override.key), "\(override.key) is not a verl key") }
        #expect(Set(launch.overrides.map(\.key)).count == launch.overrides.count)   // each key once
    }

    /// The paper's command, key by key where upstream differs from the fork.
    @Test func paperPresetMatchesThePaper() throws {
        let o = try #require(VerlPreset.named("paper-qwen2.5-math-1.5b-grpo")).overrides
        #expect(o["actor_rollout_ref.actor.optim.lr"] == .raw("1e-6") && o["data.train_batch_size"] == .raw("128"))
        #expect(o["actor_rollout_ref.actor.ppo_mini_batch_size"] == .raw("128") && o["actor_rollout_ref.rollout.n"] == .raw("8"))
        #expect(o["actor_rollout_ref.rollout.temperature"] == .raw("0.6") && o["data.max_response_length"] == .raw("3072"))
        #expect(o["actor_rollout_ref.actor.entropy_coeff"] == .raw("0.001"))   // upstream's default is 0
        #expect(o["actor_rollout_ref.actor.kl_loss_type"] == .raw("low_var_kl") && o["actor_rollout_ref.actor.kl_loss_coef"] == .raw("0.001"))
        #expect(o["actor_rollout_ref.rollout.val_kwargs.n"] == .raw("1") && o["trainer.val_before_train"] == .raw("True"))
        #expect(o["trainer.test_freq"] == .raw("20") && o["trainer.n_gpus_per_node"] == .raw("8"))
        #expect(!o.contains { $0.key.hasPrefix("+") || $0.key == "trainer.checkpoints_dir" || $0.key.contains("val_temperature") })
        #expect(VerlPreset.named("paper-qwen2.5-math-1.5b-grpo-probe")?.isProbe == true)
        #expect(VerlPreset.named("paper-qwen2.5-math-1.5b-ppo")?.overrides["algorithm.adv_estimator"] == .raw("gae"))
    }

    @Test func pathsAreAbsoluteAndSetOverridesWin() throws {
        let preset = try #require(VerlPreset.named("paper-qwen2.5-math-1.5b-grpo"))
        let launch = VerlLaunch(directory: "/data/my runs/pi1", runName: "pi1", preset: preset, binary: "/bin/oneshot",
                                extra: [HydraOverride.parse("trainer.n_gpus_per_node=4")!, HydraOverride.parse("trainer.project_name=it's $(x)")!])
        #expect(launch.overrides["trainer.n_gpus_per_node"] == .raw("4"))
        #expect(launch.command.contains("data.train_files='/data/my runs/pi1/data/train.parquet'"))
        #expect(launch.command.contains(#"trainer.project_name='it\'s $(x)'"#))
        for key in ["data.train_files", "data.val_files", "custom_reward_function.path", "trainer.default_local_dir",
                    "trainer.rollout_data_dir", "trainer.validation_data_dir"] {
            guard case .string(let path) = launch.overrides[key] else { Issue.record("\(key) unset"); continue }
            #expect(path.hasPrefix("/data/my runs/pi1/"))
        }
        #expect(launch.overrides["trainer.rollout_data_dir"] != launch.overrides["trainer.validation_data_dir"])
    }

    @Test func hydraAndShellQuoting() {
        #expect(HydraOverride.quoted("Qwen/Qwen2.5-Math-1.5B") == "Qwen/Qwen2.5-Math-1.5B")
        #expect(HydraOverride.quoted("a b") == "'a b'" && HydraOverride.quoted("true") == "'true'" && HydraOverride.quoted("1e-6") == "'1e-6'")
        #expect(HydraOverride.parse("a.b=[1,2]") == HydraOverride("a.b", .raw("[1,2]")))
        #expect(HydraOverride.parse("=x") == nil && HydraOverride.parse("novalue") == nil)
        #expect(Shell.quote("plain/path-1.0") == "plain/path-1.0")
        #expect(Shell.quote("it's $(rm -rf ~)") == #"'it'\''s $(rm -rf ~)'"#)
    }
}
