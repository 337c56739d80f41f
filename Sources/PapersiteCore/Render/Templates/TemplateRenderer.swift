/// Renders compiled templates with typed views (see `CompiledTemplate`),
/// as the Mustache specification says: name lookup, sections, partials,
/// parents and blocks, indentation included.
struct TemplateLibrary: Sendable {
    let templates: [String: CompiledTemplate]

    func render(_ view: any TemplateObject, template name: String) -> String {
        render(value: .object(view), template: name)
    }

    func render(value: TemplateValue, template name: String) -> String {
        guard let template = templates[name] else { return "" }
        var out = ""
        out.reserveCapacity(16_384)
        var context = Context(stack: [value], indentation: nil, inherited: nil, escape: true)
        render(template, context: &context, into: &out)
        return out
    }

    struct Context {
        var stack: [TemplateValue]
        var indentation: String?
        var inherited: [String: CompiledTemplate]?
        var escape: Bool
        /// While a kept section renders (`KeptSections`): where its element
        /// is on the stack, and whether a name was found below it.
        var kept: KeptSection? = nil
    }

    final class KeptSection {
        let floor: Int
        var isOwn = true
        init(floor: Int) { self.floor = floor }
    }

    /// The tokens are read in place, through a buffer: a token taken out
    /// of the array is copied whole (each of its strings and tables
    /// counted), and that was a tenth of rendering a paper's page.
    private func render(_ template: CompiledTemplate, context: inout Context, into out: inout String) {
        template.tokens.withUnsafeBufferPointer { tokens in
            for i in tokens.indices { renderToken(tokens, i, context: &context, into: &out) }
        }
    }

    /// Inside an indented partial or block, each line of the template
    /// starts with the indentation (not the lines of a value shown in it).
    private func indent(_ out: inout String, before text: String, _ context: Context) {
        if let indentation = context.indentation, !indentation.isEmpty, !text.isEmpty, out.utf8.last == 0x0A { out += indentation }
    }

    private func renderToken(_ tokens: UnsafeBufferPointer<CompiledTemplate.Token>, _ i: Int, context: inout Context, into out: inout String) {
        switch tokens[i] {
        case .text(let text):
            indent(&out, before: text, context)
            out += text
        case .variable(let name, let escaped):
            let text: String
            switch lookup(name, in: context) {
            case .text(let s): text = s
            case .number(let n): text = String(n)
            case .bool(let b): text = b ? "true" : "false"
            case .none, .object, .list: return
            }
            indent(&out, before: text, context)
            if escaped && context.escape { Self.appendEscaped(text, to: &out) } else { out += text }
        case .section(let name, let template, let inverted):
            let value = lookup(name, in: context)
            if inverted {
                renderInverted(value, template, context: &context, into: &out)
            } else {
                renderSection(value, template, context: &context, into: &out)
            }
        case .partial(let name, let indentation, let inherits):
            renderPartial(name, indentation: indentation, inherits: inherits, context: &context, into: &out)
        case .dynamicPartial(let name, let indentation):
            guard case .text(let partial) = lookup(name, in: context) else { return }
            renderPartial(partial, indentation: indentation, inherits: nil, context: &context, into: &out)
        case .blockExpansion(let name, let fallback, let indentation):
            let saved = (context.indentation, context.escape)
            context.indentation = (context.indentation ?? "") + indentation
            render(context.inherited?[name] ?? fallback, context: &context, into: &out)
            (context.indentation, context.escape) = saved
        case .blockDefinition:
            break
        case .escaping(let escape):
            context.escape = escape
        }
    }

    private func renderPartial(_ name: String, indentation: String?, inherits: [String: CompiledTemplate]?,
                               context: inout Context, into out: inout String) {
        guard let template = templates[name] else { return }
        let saved = (context.indentation, context.inherited, context.escape)
        if let indentation { context.indentation = (context.indentation ?? "") + indentation }
        if let inherits {
            if let outer = context.inherited {
                context.inherited = outer.merging(inherits) { value, _ in value }
            } else {
                context.inherited = inherits
            }
        }
        context.escape = true
        render(template, context: &context, into: &out)
        (context.indentation, context.inherited, context.escape) = saved
    }

    /// Sections render with the context they are in, an element pushed
    /// for the time of the section and popped after (a copy of the stack
    /// per element was most of a list's time); what a section changes of
    /// the context (`{{%…}}` escaping) ends with it.
    private func renderSection(_ value: TemplateValue, _ template: CompiledTemplate, context: inout Context, into out: inout String) {
        let escape = context.escape
        defer { context.escape = escape }
        switch value {
        case .none:
            return
        case .bool(let b):
            guard b else { return }
            render(template, context: &context, into: &out)
        case .list(let list):
            if let keeping = list as? any KeptSections, context.kept == nil, context.indentation == nil, context.inherited == nil, escape {
                renderKept(keeping, template, context: &context, into: &out)
                return
            }
            for i in 0..<list.count {
                context.stack.append(list.element(at: i))
                render(template, context: &context, into: &out)
                context.stack.removeLast()
                context.escape = escape
            }
        case .text, .number, .object:
            context.stack.append(value)
            render(template, context: &context, into: &out)
            context.stack.removeLast()
        }
    }

    /// Each element's section as its list keeps it, or made (into a text
    /// of its own, which renders the same: nothing here depends on what
    /// was written before it) with every name found below the element
    /// noted (see `KeptSections`).
    private func renderKept(_ list: any KeptSections, _ template: CompiledTemplate, context: inout Context, into out: inout String) {
        for i in 0..<list.count {
            out += list.section(at: i, in: template) {
                let noted = KeptSection(floor: context.stack.count)
                context.kept = noted
                context.stack.append(list.element(at: i))
                var text = ""
                render(template, context: &context, into: &text)
                context.stack.removeLast()
                context.kept = nil
                context.escape = true
                return (text, noted.isOwn)
            }
        }
    }

    private func renderInverted(_ value: TemplateValue, _ template: CompiledTemplate, context: inout Context, into out: inout String) {
        let show: Bool
        switch value {
        case .none: show = true
        case .bool(let b): show = !b
        case .list(let list): show = list.count == 0
        case .text, .number, .object: show = false
        }
        guard show else { return }
        let escape = context.escape
        render(template, context: &context, into: &out)
        context.escape = escape
    }

    /// swift-mustache's lookup: `.` is the current object; a dotted name
    /// finds its first part in the innermost object that has it, and the
    /// rest inside that (no climbing back up).
    private func lookup(_ name: CompiledTemplate.Name, in context: Context) -> TemplateValue {
        if name.isDot { return context.stack.last ?? .none }
        guard let first = name.path.first else { return name.anchored ? context.stack.last ?? .none : .none }
        var found: TemplateValue = .none
        if name.anchored {
            found = Self.child(first, of: context.stack.last ?? .none)
        } else {
            var k = context.stack.count - 1
            while k >= 0 {
                let child = Self.child(first, of: context.stack[k])
                if case .none = child { k -= 1; continue }
                found = child
                if let kept = context.kept, k < kept.floor { kept.isOwn = false }
                break
            }
        }
        for part in name.path.dropFirst() {
            found = Self.child(part, of: found)
            if case .none = found { return .none }
        }
        return found
    }

    private static func child(_ name: String, of value: TemplateValue) -> TemplateValue {
        if case .object(let object) = value { return object.value(named: name) }
        return .none
    }

    /// Appends `text` escaped for HTML and XML (`& < > " '`).
    static func appendEscaped(_ text: String, to out: inout String) {
        out += FastEscaping.escape(text)
    }
}

extension TemplateLibrary {
    /// Whether rendering any of `templates` may show a field named one of
    /// `fields`: some name in them, or in the partials and parents they
    /// reach, has such a part. A template that names a partial by a value
    /// (`{{>*name}}`) may reach any, so may show anything. Views are read
    /// only by name, so a field no template names is never shown, and a
    /// page need not be made again when only that field changes.
    func mayShow(_ fields: Set<String>, from templates: [String]) -> Bool {
        !visitTokens(from: templates) { token in
            switch token {
            case .variable(let name, _), .section(let name, _, _): !name.path.contains(where: fields.contains)
            case .dynamicPartial: false
            default: true
            }
        }
    }

    /// The identities of the sections named `name` (`{{#name}}`) in
    /// `templates` and in the partials and parents they reach: what a list
    /// that keeps its sections (`KeptSections`) keeps them under.
    func sectionIdentities(named name: String, from templates: [String]) -> [UInt64] {
        var found: [UInt64] = []
        visitTokens(from: templates) { token in
            if case .section(let section, let inner, false) = token, section.path.last == name { found.append(inner.identity) }
            return true
        }
        return found
    }

    /// Calls `visit` with every token of `templates`, of the sections and
    /// blocks in them, and of the partials and parents they name (each
    /// template once), until it returns false. Returns whether none did.
    @discardableResult
    func visitTokens(from templates: [String], _ visit: (CompiledTemplate.Token) -> Bool) -> Bool {
        var reached = Set(templates), queue = templates
        func walk(_ template: CompiledTemplate) -> Bool {
            for token in template.tokens {
                guard visit(token) else { return false }
                switch token {
                case .section(_, let inner, _), .blockExpansion(_, let inner, _), .blockDefinition(_, let inner):
                    guard walk(inner) else { return false }
                case .partial(let partial, _, let inherits):
                    if reached.insert(partial).inserted { queue.append(partial) }
                    for block in (inherits ?? [:]).values { guard walk(block) else { return false } }
                case .text, .escaping, .variable, .dynamicPartial:
                    break
                }
            }
            return true
        }
        while let next = queue.popLast() {
            if let template = self.templates[next], !walk(template) { return false }
        }
        return true
    }
}

extension CompiledTemplate {
    /// See `identity`.
    static func identity(of tokens: [Token]) -> UInt64 {
        func add(_ name: Name, to f: inout Fingerprint) { f.add(name.path); f.add(name.anchored); f.add(name.isDot) }
        return Fingerprint.of { f in
            f.add(tokens.count)
            for token in tokens {
                switch token {
                case .text(let text): f.add(1); f.add(text)
                case .variable(let name, let escaped): f.add(2); add(name, to: &f); f.add(escaped)
                case .section(let name, let inner, let inverted): f.add(3); add(name, to: &f); f.add(inner.identity); f.add(inverted)
                case .partial(let name, let indentation, let inherits):
                    f.add(4); f.add(name); f.add(indentation); f.add(inherits != nil)
                    for (block, inner) in (inherits ?? [:]).sorted(by: { $0.key < $1.key }) { f.add(block); f.add(inner.identity) }
                case .dynamicPartial(let name, let indentation): f.add(5); add(name, to: &f); f.add(indentation)
                case .blockExpansion(let name, let inner, let indentation): f.add(6); f.add(name); f.add(inner.identity); f.add(indentation)
                case .blockDefinition(let name, let inner): f.add(7); f.add(name); f.add(inner.identity)
                case .escaping(let escape): f.add(8); f.add(escape)
                }
            }
        }
    }
}
