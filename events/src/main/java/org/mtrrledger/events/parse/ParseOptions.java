package org.mtrrledger.events.parse;

import java.util.Objects;
import java.util.Optional;

/**
 * Options shared by every {@link LogParser}.
 *
 * @param vm     {@code --vm ID}: replaces the VM id of every event (JSONL "vm" becomes optional; ftrace ignores
 *               {@code # mtrr: vm} records and the file-name default)
 * @param policy what to do with bad lines
 */
public record ParseOptions(Optional<String> vm, BadLinePolicy policy) {
    public static final ParseOptions DEFAULTS = new ParseOptions(Optional.empty(), BadLinePolicy.FAIL);

    public ParseOptions {
        Objects.requireNonNull(vm, "vm");
        Objects.requireNonNull(policy, "policy");
        vm.ifPresent(id -> EventRules.vmIdViolation(id).ifPresent(v -> {
            throw new IllegalArgumentException("--vm: " + v);
        }));
    }

    public ParseOptions withVm(String id) {
        return new ParseOptions(Optional.of(id), policy);
    }

    public ParseOptions withPolicy(BadLinePolicy newPolicy) {
        return new ParseOptions(vm, newPolicy);
    }
}
