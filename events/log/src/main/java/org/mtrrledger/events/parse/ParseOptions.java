package org.mtrrledger.events.parse;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Options shared by every {@link LogParser}.
 *
 * @param vm     {@code --vm ID}: replaces the VM id of every event (JSONL "vm" becomes optional; ftrace ignores
 *               {@code # mtrr: vm} and {@code # mtrr: vm_map} records and the file-name default, and refuses a
 *               trace holding several processes)
 * @param policy what to do with bad lines
 * @param vmMap  {@code --vm-map PID=NAME}: trace threads to VMs by thread id or TGID (ftrace only; see the package
 *               documentation, "Host traces")
 */
public record ParseOptions(Optional<String> vm, BadLinePolicy policy, Map<Long, String> vmMap) {
    public static final ParseOptions DEFAULTS = new ParseOptions(Optional.empty(), BadLinePolicy.FAIL);

    public ParseOptions {
        Objects.requireNonNull(vm, "vm");
        Objects.requireNonNull(policy, "policy");
        vmMap = Map.copyOf(vmMap);
        vm.ifPresent(id -> EventRules.vmIdViolation(id).ifPresent(v -> {
            throw new IllegalArgumentException("--vm: " + v);
        }));
        vmMap.forEach((pid, name) -> EventRules.vmIdViolation(name).ifPresent(v -> {
            throw new IllegalArgumentException("--vm-map " + pid + "=: " + v);
        }));
        if (vm.isPresent() && !vmMap.isEmpty()) {
            throw new IllegalArgumentException("--vm and --vm-map exclude each other: --vm names the one VM of a "
                    + "file, --vm-map the VMs of a host trace");
        }
    }

    public ParseOptions(Optional<String> vm, BadLinePolicy policy) {
        this(vm, policy, Map.of());
    }

    public ParseOptions withVm(String id) {
        return new ParseOptions(Optional.of(id), policy, vmMap);
    }

    public ParseOptions withPolicy(BadLinePolicy newPolicy) {
        return new ParseOptions(vm, newPolicy, vmMap);
    }

    public ParseOptions withVmMap(Map<Long, String> map) {
        return new ParseOptions(vm, policy, map);
    }
}
