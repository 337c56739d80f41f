/// A topic that groups papers. Two spellings with the same slug are the same tag.
public struct Tag: Sendable, Hashable, Comparable {
    /// What readers see: `Vision Transformers`.
    public var name: String
    /// The URL segment: `vision-transformers`.
    public var slug: String

    public init(name: String) {
        self.name = name
        self.slug = Slug.makeDistinct(name, prefix: "tag")
    }

    public init(name: String, slug: String) {
        self.name = name
        self.slug = slug
    }

    public static func < (a: Tag, b: Tag) -> Bool {
        (a.name.lowercased(), a.slug) < (b.name.lowercased(), b.slug)
    }
}
