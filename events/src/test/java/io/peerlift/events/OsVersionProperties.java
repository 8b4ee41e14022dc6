package io.peerlift.events;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OsVersionProperties {

    @Provide
    Arbitrary<List<Integer>> parts() {
        return Arbitraries.integers().between(0, 100_000).list().ofMinSize(2).ofMaxSize(6);
    }

    private static String join(List<Integer> parts) {
        return parts.stream().map(String::valueOf).collect(Collectors.joining("."));
    }

    @Property
    void parseThenPrintIsTheIdentity(@ForAll("parts") List<Integer> parts) {
        assertThat(OsVersion.parse(join(parts)).toString()).isEqualTo(join(parts));
    }

    @Property
    void orderIsNumericPartByPart(@ForAll("parts") List<Integer> a, @ForAll("parts") List<Integer> b) {
        int expected = 0;
        for (int i = 0; i < Math.max(a.size(), b.size()) && expected == 0; i++) {
            expected = Integer.compare(i < a.size() ? a.get(i) : 0, i < b.size() ? b.get(i) : 0);
        }
        assertThat(Integer.signum(OsVersion.parse(join(a)).compareTo(OsVersion.parse(join(b))))).isEqualTo(expected);
    }

    @Property
    void equalVersionsHaveEqualHashes(@ForAll("parts") List<Integer> parts) {
        OsVersion plain = OsVersion.parse(join(parts));
        OsVersion padded = OsVersion.parse(join(parts) + (parts.size() < 6 ? ".0" : ""));
        assertThat(padded).isEqualTo(plain).hasSameHashCodeAs(plain);
    }

    @Property
    void garbageIsRejectedWithTheInputInTheMessage(@ForAll("garbage") String text) {
        assertThatThrownBy(() -> OsVersion.parse(text))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("OS version");
    }

    @Provide
    Arbitrary<String> garbage() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("abc-+ ").ofMinLength(1).ofMaxLength(8),
                Arbitraries.integers().between(0, 99).map(String::valueOf),
                parts().map(p -> join(p) + "."),
                parts().map(p -> join(p).replaceFirst("\\.", "..")),
                parts().map(p -> join(p) + ".x"));
    }

    @Example
    void igelVersionsCompareAsTheSeedRequires() {
        assertThat(OsVersion.parse("11.11.150").isAtLeast(OsVersion.MIN_OS11_SOURCE)).isTrue();
        assertThat(OsVersion.parse("11.9.200").isBelow(OsVersion.MIN_OS11_SOURCE)).isTrue();
        assertThat(OsVersion.parse("11.11.99").isBelow(OsVersion.MIN_OS11_SOURCE)).isTrue();
        assertThat(OsVersion.parse("12.7.4.1").isAtLeast(OsVersion.MIN_OS12_TARGET)).isTrue();
        assertThat(OsVersion.parse("12.7.3").isBelow(OsVersion.MIN_OS12_TARGET)).isTrue();
        assertThat(OsVersion.parse("12.7.4").family()).isEqualTo(OsFamily.OS12);
        assertThat(OsVersion.parse("11.11.150").family()).isEqualTo(OsFamily.OS11);
    }
}
