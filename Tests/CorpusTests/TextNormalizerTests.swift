import Testing
@testable import Corpus

@Suite struct TextNormalizerTests {
    @Test func foldsLaTeXSpellingAndSpacing() {
        #expect(TextNormalizer.normalize(#"Find $\dfrac{1}{2}+x$."#) == TextNormalizer.normalize(#"Find \(\frac{1}{2} + x\)."#))
        #expect(TextNormalizer.normalize(#"$\left( x \right)$"#) == TextNormalizer.normalize("(x)"))
        #expect(TextNormalizer.normalize("a\u{00A0}\n\tb") == "a b")
        #expect(TextNormalizer.normalize("ｘ＝１") == TextNormalizer.normalize("x=1"))   // NFKC
    }

    @Test func keepsNumbers() {
        #expect(TextNormalizer.hash("What is $2+3$?") != TextNormalizer.hash("What is $2+4$?"))
        #expect(TextNormalizer.tokens("3.14 and 10") == ["3.14", "and", "10"])
    }

    @Test func hashIsStable() {
        #expect(TextNormalizer.hash("What is $2+3$?") == TextNormalizer.hash("What is 2 + 3?"))
        #expect(TextNormalizer.hash("x").count == 32)
    }
}
