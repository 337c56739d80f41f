import Foundation

extension BuildStages {
    /// Everything a build knows before it renders: settings, theme, records,
    /// indexes, the list of files to make and the assets to copy.
    struct PreparedSite {
        let config: SiteConfig
        let theme: Theme
        let content: LoadedContent
        let index: SiteIndex
        var renderer: SiteRenderer
        let plan: [Page]
        let assets: [(source: AssetSource, file: String)]
        let warnings: [Diagnostic]
        /// The `OutputManifest.key` of every asset (pages' keys come with their fingerprints).
        var assetKeys: [UInt64] { assets.map { OutputManifest.key($0.file) } }
        /// The HTML pages, and all files of the site (feeds and assets included).
        var pages: Int { plan.filter { $0.job.isHTML }.count }
        var files: Int { plan.count + assets.count }
    }
}
