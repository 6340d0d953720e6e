//! Maximum-weight matching on a general graph: Edmonds' blossom algorithm
//! in its primal–dual form, with the O(n³) bookkeeping described in Galil,
//! "Efficient algorithms for finding maximum matching in graphs" (ACM
//! Computing Surveys 18, 1986).
//!
//! A group's members can pair with anyone, so the graph is not bipartite:
//! a greedy pass (best pair first) or a bipartite method gets odd cycles
//! wrong. The algorithm keeps a dual value per vertex and per blossom (an
//! odd cycle shrunk to one node) and grows alternating trees from every
//! unmatched vertex along edges whose dual slack is zero. Each stage either
//! finds an augmenting path, adding one pair, or proves that no further
//! pair can add weight; the duals are then a certificate of optimality
//! (checked in the tests below).
//!
//! All arithmetic is on integers. Weights are doubled inside, and vertex
//! duals start at the largest weight; every labelled vertex is then joined
//! to an unmatched root by edges of zero slack, so all labelled vertices
//! share the roots' parity, the slack between two of them is even, and
//! halving it is exact.

use std::mem;

/// A maximum-weight matching of the graph with vertices `0..n` and the
/// given weighted edges: the pairs `(i, j)`, `i < j`, sorted, such that no
/// other matching has a larger total weight.
///
/// Edges of weight zero add nothing and are never used; an edge from a
/// vertex to itself, or naming a vertex `≥ n`, is ignored; of repeated
/// edges between the same two vertices the heaviest counts. A vertex may
/// stay unmatched (an odd count, or pairing it would cost more elsewhere).
/// Which of several equally good matchings comes back depends only on the
/// input, so the answer is deterministic.
///
/// Takes O(n³) time and O(n + m) memory: a few milliseconds for a complete
/// graph on 200 vertices (see `benches/partners.rs`).
#[must_use]
pub fn max_weight_matching(n: usize, edges: &[(usize, usize, u32)]) -> Vec<(usize, usize)> {
    let mut solver = Solver::new(n, edges);
    solver.solve();
    solver.pairs()
}

/// How far a node (vertex or top-level blossom) is in the current stage's
/// alternating forest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    /// Not in the forest.
    Unreached,
    /// An even distance from a root (Edmonds' "S", or outer).
    Outer,
    /// An odd distance from a root (Edmonds' "T", or inner).
    Inner,
}

#[derive(Debug, Clone, Copy)]
struct Edge {
    a: usize,
    b: usize,
    /// Twice the weight, so that duals stay integers.
    w: i64,
}

/// What a dual adjustment ran into.
#[derive(Debug, Clone, Copy)]
enum Limit {
    /// An outer vertex's dual reached zero: the matching is optimal.
    Optimal,
    /// An edge became tight.
    Tight(usize),
    /// An inner blossom's dual reached zero: it opens up.
    Expand(usize),
}

/// The solver's state. Nodes `0..n` are vertices, `n..2n` blossoms; a
/// blossom id is in use while it has children.
#[derive(Debug)]
struct Solver {
    n: usize,
    edges: Vec<Edge>,
    /// The edges at each vertex.
    incident: Vec<Vec<usize>>,
    /// Each vertex's partner.
    mate: Vec<Option<usize>>,
    /// The top-level blossom (or the vertex itself) holding each vertex.
    top: Vec<usize>,
    /// Per node: the blossom directly around it.
    parent: Vec<Option<usize>>,
    /// Per blossom: its sub-blossoms around the odd cycle, the one holding
    /// the base first.
    children: Vec<Vec<usize>>,
    /// Per blossom: `cycle[b][i]` joins `children[b][i]` to
    /// `children[b][i + 1]` (cyclically), as (vertex in the first, vertex
    /// in the second).
    cycle: Vec<Vec<(usize, usize)>>,
    /// Per node: the vertex through which it is matched to the outside.
    base: Vec<usize>,
    /// Per node: vertex duals for vertices, blossom duals for blossoms.
    dual: Vec<i64>,
    /// Per node this stage. For a top-level node: its place in the forest.
    /// For a vertex inside an inner blossom: `Inner` once an outer vertex
    /// reached it by a tight edge.
    label: Vec<Label>,
    /// Per node this stage: the edge that labelled it, as (vertex outside,
    /// vertex inside); `None` for a root.
    label_edge: Vec<Option<(usize, usize)>>,
    /// Per node this stage. For an unreached vertex: its least-slack edge
    /// to an outer vertex. For an outer top-level node: its least-slack
    /// edge to another outer node.
    best_edge: Vec<Option<usize>>,
    /// Per outer blossom this stage: its least-slack edge to each other
    /// outer node, kept so that merging blossoms stays cheap.
    best_edges: Vec<Option<Vec<usize>>>,
    /// Per edge this stage: known to be tight.
    tight: Vec<bool>,
    /// Blossom ids not in use, lowest last.
    free: Vec<usize>,
    /// Outer vertices whose edges are still to be scanned.
    queue: Vec<usize>,
    /// Scratch marks for finding where two tree paths meet.
    marked: Vec<bool>,
}

impl Solver {
    fn new(n: usize, raw: &[(usize, usize, u32)]) -> Self {
        let mut list: Vec<(usize, usize, u32)> = raw
            .iter()
            .filter(|(a, b, w)| a != b && *a < n && *b < n && *w > 0)
            .map(|&(a, b, w)| (a.min(b), a.max(b), w))
            .collect();
        // Heaviest first within each pair of vertices, then one per pair.
        list.sort_unstable_by(|x, y| (x.0, x.1, y.2).cmp(&(y.0, y.1, x.2)));
        list.dedup_by_key(|e| (e.0, e.1));
        let max = list.iter().map(|e| i64::from(e.2)).max().unwrap_or(0);
        let edges: Vec<Edge> = list
            .iter()
            .map(|&(a, b, w)| Edge {
                a,
                b,
                w: 2 * i64::from(w),
            })
            .collect();
        let mut incident = vec![Vec::new(); n];
        for (e, edge) in edges.iter().enumerate() {
            incident[edge.a].push(e);
            incident[edge.b].push(e);
        }
        let nodes = 2 * n;
        let mut dual = vec![max; n];
        dual.resize(nodes, 0);
        Self {
            n,
            tight: vec![false; edges.len()],
            edges,
            incident,
            mate: vec![None; n],
            top: (0..n).collect(),
            parent: vec![None; nodes],
            children: vec![Vec::new(); nodes],
            cycle: vec![Vec::new(); nodes],
            base: (0..nodes).collect(),
            dual,
            label: vec![Label::Unreached; nodes],
            label_edge: vec![None; nodes],
            best_edge: vec![None; nodes],
            best_edges: vec![None; nodes],
            free: (n..nodes).rev().collect(),
            queue: Vec::new(),
            marked: vec![false; nodes],
        }
    }

    fn solve(&mut self) {
        // Each stage but the last adds a pair, so n / 2 + 1 stages suffice.
        for _ in 0..=self.n / 2 {
            if !self.stage() {
                break;
            }
        }
    }

    /// The matched pairs, lower vertex first, sorted.
    fn pairs(&self) -> Vec<(usize, usize)> {
        self.mate
            .iter()
            .enumerate()
            .filter_map(|(v, mate)| mate.filter(|m| v < *m).map(|m| (v, m)))
            .collect()
    }

    fn slack(&self, e: usize) -> i64 {
        let edge = self.edges[e];
        self.dual[edge.a] + self.dual[edge.b] - edge.w
    }

    fn other_end(&self, e: usize, v: usize) -> usize {
        let edge = self.edges[e];
        if edge.a == v { edge.b } else { edge.a }
    }

    /// Whether `e` has less slack than `current` (or there is none).
    fn better(&self, e: usize, current: Option<usize>) -> bool {
        current.is_none_or(|c| self.slack(e) < self.slack(c))
    }

    fn is_blossom(&self, b: usize) -> bool {
        b >= self.n && !self.children[b].is_empty()
    }

    fn is_top(&self, b: usize) -> bool {
        if b < self.n {
            self.top[b] == b
        } else {
            self.is_blossom(b) && self.parent[b].is_none()
        }
    }

    /// The vertices inside node `b`.
    fn leaves(&self, b: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack = vec![b];
        while let Some(node) = stack.pop() {
            if node < self.n {
                out.push(node);
            } else {
                stack.extend(self.children[node].iter().copied());
            }
        }
        out
    }

    /// One stage: grows the forest until it finds an augmenting path
    /// (`true`) or the duals prove the matching optimal (`false`).
    fn stage(&mut self) -> bool {
        self.label.fill(Label::Unreached);
        self.label_edge.fill(None);
        self.best_edge.fill(None);
        self.best_edges.fill(None);
        self.tight.fill(false);
        self.queue.clear();
        let mut rooted = false;
        for v in 0..self.n {
            if self.mate[v].is_none() && self.label[self.top[v]] == Label::Unreached {
                self.assign_label(v, Label::Outer, None);
                rooted = true;
            }
        }
        if !rooted {
            return false;
        }
        loop {
            if self.scan() {
                break;
            }
            match self.adjust_duals() {
                None | Some(Limit::Optimal) => return false,
                Some(Limit::Tight(e)) => {
                    self.tight[e] = true;
                    let Edge { a, b, .. } = self.edges[e];
                    let outer = if self.label[self.top[a]] == Label::Outer {
                        a
                    } else {
                        b
                    };
                    self.queue.push(outer);
                }
                Some(Limit::Expand(b)) => self.expand(b, false),
            }
        }
        // Outer blossoms whose dual fell to zero need not stay shrunk, and
        // must not: the next stage may have to reach inside them.
        for b in self.n..2 * self.n {
            if self.is_top(b) && self.label[b] == Label::Outer && self.dual[b] == 0 {
                self.expand(b, true);
            }
        }
        true
    }

    /// Scans the queued outer vertices' edges; `true` once it augmented.
    fn scan(&mut self) -> bool {
        while let Some(v) = self.queue.pop() {
            for i in 0..self.incident[v].len() {
                let e = self.incident[v][i];
                let w = self.other_end(e, v);
                let (bv, bw) = (self.top[v], self.top[w]);
                if bv == bw {
                    continue;
                }
                if !self.tight[e] && self.slack(e) <= 0 {
                    self.tight[e] = true;
                }
                if self.tight[e] {
                    match self.label[bw] {
                        Label::Unreached => self.assign_label(w, Label::Inner, Some(v)),
                        Label::Outer => {
                            if let Some(base) = self.meeting_base(v, w) {
                                self.add_blossom(base, v, w);
                            } else {
                                self.augment(v, w);
                                return true;
                            }
                        }
                        Label::Inner => {
                            // Inside an inner blossom: remember how it was
                            // reached, for when the blossom opens.
                            if self.label[w] == Label::Unreached {
                                self.label[w] = Label::Inner;
                                self.label_edge[w] = Some((v, w));
                            }
                        }
                    }
                } else if self.label[bw] == Label::Outer {
                    if self.better(e, self.best_edge[bv]) {
                        self.best_edge[bv] = Some(e);
                    }
                } else if self.label[w] == Label::Unreached && self.better(e, self.best_edge[w]) {
                    self.best_edge[w] = Some(e);
                }
            }
        }
        false
    }

    /// Labels the top-level node holding `w`, reached from `from` (`None`
    /// for a root). An inner node's partner becomes outer in turn.
    fn assign_label(&mut self, w: usize, label: Label, from: Option<usize>) {
        let b = self.top[w];
        let edge = from.map(|v| (v, w));
        for node in [w, b] {
            self.label[node] = label;
            self.label_edge[node] = edge;
            self.best_edge[node] = None;
        }
        match label {
            Label::Outer => {
                let leaves = self.leaves(b);
                self.queue.extend(leaves);
            }
            Label::Inner => {
                let base = self.base[b];
                if let Some(mate) = self.mate[base] {
                    self.assign_label(mate, Label::Outer, Some(base));
                }
            }
            Label::Unreached => {}
        }
    }

    /// Follows the tree paths up from two outer vertices joined by a tight
    /// edge: the base of the node where they meet (a new blossom), or
    /// `None` when they reach two different roots (an augmenting path).
    fn meeting_base(&mut self, v: usize, w: usize) -> Option<usize> {
        let mut path = Vec::new();
        let mut found = None;
        // Step up from each side in turn, one outer node at a time.
        let (mut this_side, mut other_side) = (Some(v), Some(w));
        while this_side.is_some() || other_side.is_some() {
            if let Some(vertex) = this_side {
                let node = self.top[vertex];
                if self.marked[node] {
                    found = Some(self.base[node]);
                    break;
                }
                self.marked[node] = true;
                path.push(node);
                // Up through the inner node above to the next outer vertex.
                this_side = self.label_edge[node]
                    .and_then(|(inner, _)| self.label_edge[self.top[inner]])
                    .map(|(outer, _)| outer);
            }
            if other_side.is_some() {
                mem::swap(&mut this_side, &mut other_side);
            }
        }
        for node in path {
            self.marked[node] = false;
        }
        found
    }

    /// Shrinks the odd cycle closed by the tight edge `v`–`w` into a new
    /// outer blossom with the given base.
    fn add_blossom(&mut self, base: usize, v: usize, w: usize) {
        let Some(b) = self.free.pop() else {
            // Cannot happen: nested blossoms of three or more children
            // each number fewer than n.
            return;
        };
        let bb = self.top[base];
        self.base[b] = base;
        self.parent[b] = None;
        self.parent[bb] = Some(b);
        let mut children = vec![bb];
        let mut cycle = Vec::new();
        // From v's side up to the base node, then in cycle order.
        let mut up = Vec::new();
        let mut node = self.top[v];
        while node != bb {
            self.parent[node] = Some(b);
            let Some(edge) = self.label_edge[node] else {
                break;
            };
            up.push((node, edge));
            node = self.top[edge.0];
        }
        for (child, edge) in up.into_iter().rev() {
            cycle.push(edge);
            children.push(child);
        }
        cycle.push((v, w));
        // From w's side back up to the base node.
        let mut node = self.top[w];
        while node != bb {
            self.parent[node] = Some(b);
            children.push(node);
            let Some((outside, inside)) = self.label_edge[node] else {
                break;
            };
            cycle.push((inside, outside));
            node = self.top[outside];
        }
        self.label[b] = Label::Outer;
        self.label_edge[b] = self.label_edge[bb];
        self.dual[b] = 0;
        for x in self.leaves_of(&children) {
            if self.label[self.top[x]] == Label::Inner {
                // Inner vertices become outer: their edges need a scan.
                self.queue.push(x);
            }
            self.top[x] = b;
        }
        // The new blossom's least-slack edges to every other outer node,
        // from its children's lists (or their vertices' edges).
        let mut best_to: Vec<Option<usize>> = vec![None; 2 * self.n];
        for &child in &children {
            let list = match self.best_edges[child].take() {
                Some(list) => list,
                None => self
                    .leaves(child)
                    .iter()
                    .flat_map(|x| self.incident[*x].iter().copied())
                    .collect(),
            };
            for e in list {
                let Edge { a, b: other, .. } = self.edges[e];
                let outside = if self.top[other] == b { a } else { other };
                let target = self.top[outside];
                if target != b
                    && self.label[target] == Label::Outer
                    && self.better(e, best_to[target])
                {
                    best_to[target] = Some(e);
                }
            }
            self.best_edge[child] = None;
        }
        let list: Vec<usize> = best_to.into_iter().flatten().collect();
        self.best_edge[b] =
            list.iter().copied().fold(
                None,
                |best, e| if self.better(e, best) { Some(e) } else { best },
            );
        self.best_edges[b] = Some(list);
        self.children[b] = children;
        self.cycle[b] = cycle;
    }

    fn leaves_of(&self, nodes: &[usize]) -> Vec<usize> {
        nodes.iter().flat_map(|node| self.leaves(*node)).collect()
    }

    /// Opens blossom `b` into its children. Mid-stage (an inner blossom
    /// whose dual reached zero) the children on the even path from where
    /// the label came in to the base take over its place in the tree.
    fn expand(&mut self, b: usize, end_of_stage: bool) {
        let children = mem::take(&mut self.children[b]);
        let cycle = mem::take(&mut self.cycle[b]);
        for &child in &children {
            self.parent[child] = None;
            if child < self.n {
                self.top[child] = child;
            } else if end_of_stage && self.dual[child] == 0 {
                self.expand(child, true);
            } else {
                for x in self.leaves(child) {
                    self.top[x] = child;
                }
            }
        }
        if !end_of_stage
            && self.label[b] == Label::Inner
            && let Some((outside, entry)) = self.label_edge[b]
        {
            self.relabel_opened(&children, &cycle, (outside, entry));
        }
        self.label[b] = Label::Unreached;
        self.label_edge[b] = None;
        self.best_edge[b] = None;
        self.best_edges[b] = None;
        self.free.push(b);
    }

    /// Gives the children of an opened inner blossom their labels: inner
    /// and outer by turns along the even path from the entry child to the
    /// base child, and inner where an outer vertex already reached one of
    /// the rest.
    fn relabel_opened(
        &mut self,
        children: &[usize],
        cycle: &[(usize, usize)],
        label_edge: (usize, usize),
    ) {
        let len = children.len();
        let entry_child = self.top[label_edge.1];
        let mut j = children.iter().position(|c| *c == entry_child).unwrap_or(0);
        // The way round that takes an even number of steps to the base.
        let step = if j % 2 == 1 { 1 } else { len - 1 };
        let mut edge = label_edge;
        while j != 0 {
            self.assign_label(edge.1, Label::Inner, Some(edge.0));
            j = (j + step) % len;
            edge = cycle_step(cycle, j, step);
            j = (j + step) % len;
        }
        // The base child is inner; its partner is outside and outer already.
        let base_child = children[0];
        for node in [edge.1, base_child] {
            self.label[node] = Label::Inner;
            self.label_edge[node] = Some(edge);
        }
        self.best_edge[base_child] = None;
        j = step % len;
        while children[j] != entry_child {
            let child = children[j];
            // Outer already as an inner child's partner; otherwise look
            // for a reached vertex (for a lone vertex, its own label marks
            // whether it was reached).
            if self.label[child] != Label::Outer {
                let reached = self
                    .leaves(child)
                    .into_iter()
                    .find(|x| self.label[*x] != Label::Unreached);
                if let Some(x) = reached
                    && let Some((outside, _)) = self.label_edge[x]
                {
                    self.assign_label(x, Label::Inner, Some(outside));
                }
            }
            j = (j + step) % len;
        }
    }

    /// Rematches blossom `b` inside so that vertex `v` becomes its base.
    fn rotate_base(&mut self, blossom: usize, vertex: usize) {
        let mut child = vertex;
        while let Some(up) = self.parent[child] {
            if up == blossom {
                break;
            }
            child = up;
        }
        if child >= self.n {
            self.rotate_base(child, vertex);
        }
        let len = self.children[blossom].len();
        let start = self.children[blossom]
            .iter()
            .position(|c| *c == child)
            .unwrap_or(0);
        // Walk to the old base the even way round, matching every other
        // cycle edge: the first of each pair of steps is the one that was
        // matched, the second the one that now is.
        let step = if start % 2 == 1 { 1 } else { len - 1 };
        let mut at = start;
        while at != 0 {
            at = (at + step) % len;
            let first = self.children[blossom][at];
            let (near, far) = cycle_step(&self.cycle[blossom], at, step);
            at = (at + step) % len;
            let second = self.children[blossom][at];
            if first >= self.n {
                self.rotate_base(first, near);
            }
            if second >= self.n {
                self.rotate_base(second, far);
            }
            self.mate[near] = Some(far);
            self.mate[far] = Some(near);
        }
        self.children[blossom].rotate_left(start);
        self.cycle[blossom].rotate_left(start);
        self.base[blossom] = vertex;
    }

    /// Flips the matching along the augmenting path through the tight edge
    /// `v`–`w`, from both ends back to their roots.
    fn augment(&mut self, v: usize, w: usize) {
        for (start, partner) in [(v, w), (w, v)] {
            let (mut outer, mut new_mate) = (start, partner);
            loop {
                let outer_node = self.top[outer];
                if outer_node >= self.n {
                    self.rotate_base(outer_node, outer);
                }
                self.mate[outer] = Some(new_mate);
                let Some((inner, _)) = self.label_edge[outer_node] else {
                    break; // reached the root
                };
                let inner_node = self.top[inner];
                let Some((next, entry)) = self.label_edge[inner_node] else {
                    break;
                };
                if inner_node >= self.n {
                    self.rotate_base(inner_node, entry);
                }
                self.mate[entry] = Some(next);
                outer = next;
                new_mate = entry;
            }
        }
    }

    /// Moves the duals by the largest amount that keeps every slack and
    /// dual non-negative, and says what stopped it (`None` when nothing
    /// bounds it, which only happens with no outer vertex at all).
    fn adjust_duals(&mut self) -> Option<Limit> {
        let mut limit: Option<(i64, Limit)> = None;
        let mut consider = |delta: i64, why: Limit| {
            if limit.is_none_or(|(best, _)| delta < best) {
                limit = Some((delta, why));
            }
        };
        for v in 0..self.n {
            if self.label[self.top[v]] == Label::Outer {
                consider(self.dual[v], Limit::Optimal);
            }
        }
        for v in 0..self.n {
            if self.label[self.top[v]] == Label::Unreached
                && let Some(e) = self.best_edge[v]
            {
                consider(self.slack(e), Limit::Tight(e));
            }
        }
        for b in 0..2 * self.n {
            if self.is_top(b)
                && self.label[b] == Label::Outer
                && let Some(e) = self.best_edge[b]
            {
                let slack = self.slack(e);
                debug_assert!(slack % 2 == 0, "outer–outer slack is even");
                consider(slack / 2, Limit::Tight(e));
            }
        }
        for b in self.n..2 * self.n {
            if self.is_top(b) && self.label[b] == Label::Inner {
                consider(self.dual[b] / 2, Limit::Expand(b));
            }
        }
        let (delta, why) = limit?;
        for v in 0..self.n {
            match self.label[self.top[v]] {
                Label::Outer => self.dual[v] -= delta,
                Label::Inner => self.dual[v] += delta,
                Label::Unreached => {}
            }
        }
        for b in self.n..2 * self.n {
            if self.is_top(b) {
                match self.label[b] {
                    Label::Outer => self.dual[b] += 2 * delta,
                    Label::Inner => self.dual[b] -= 2 * delta,
                    Label::Unreached => {}
                }
            }
        }
        #[cfg(test)]
        if self.n <= 40 {
            self.assert_feasible();
        }
        Some(why)
    }

    /// Test builds check after every dual step what the algorithm relies
    /// on: no negative dual or slack, matched and blossom edges tight.
    #[cfg(test)]
    fn assert_feasible(&self) {
        let ancestors = |v: usize| {
            let mut out = Vec::new();
            let mut node = v;
            while let Some(p) = self.parent[node] {
                out.push(p);
                node = p;
            }
            out
        };
        let slack = |x: usize, y: usize, w: i64| {
            let above = ancestors(x);
            let shared: i64 = ancestors(y)
                .iter()
                .filter(|b| above.contains(b))
                .map(|b| self.dual[*b])
                .sum();
            self.dual[x] + self.dual[y] - w + shared
        };
        let weight = |x: usize, y: usize| {
            self.edges
                .iter()
                .find(|e| (e.a, e.b) == (x.min(y), x.max(y)))
                .map(|e| e.w)
        };
        for (node, dual) in self.dual.iter().enumerate() {
            assert!(*dual >= 0, "node {node} dual {dual}");
        }
        for edge in &self.edges {
            let s = slack(edge.a, edge.b, edge.w);
            assert!(s >= 0, "edge {}-{} slack {s}", edge.a, edge.b);
            if self.mate[edge.a] == Some(edge.b) {
                assert_eq!(s, 0, "matched edge {}-{}", edge.a, edge.b);
            }
        }
        for b in self.n..2 * self.n {
            for &(x, y) in &self.cycle[b] {
                let w = weight(x, y).expect("cycle edges are edges");
                assert_eq!(slack(x, y, w), 0, "blossom {b} edge {x}-{y}");
            }
        }
    }
}

/// The cycle edge from child `j` to child `j + step` (cyclically), as
/// (vertex in child `j`, vertex in the other). `step` is 1 (forwards) or
/// `len − 1` (backwards).
fn cycle_step(cycle: &[(usize, usize)], j: usize, step: usize) -> (usize, usize) {
    if step == 1 {
        cycle[j]
    } else {
        let (x, y) = cycle[(j + step) % cycle.len()];
        (y, x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    /// The largest total weight of any matching, by trying them all.
    fn brute_force(n: usize, edges: &[(usize, usize, u32)]) -> u64 {
        fn best(weight: &[Vec<u64>], used: &mut [bool]) -> u64 {
            let Some(i) = used.iter().position(|u| !*u) else {
                return 0;
            };
            used[i] = true;
            let mut top = best(weight, used);
            for j in i + 1..used.len() {
                if !used[j] && weight[i][j] > 0 {
                    used[j] = true;
                    top = top.max(weight[i][j] + best(weight, used));
                    used[j] = false;
                }
            }
            used[i] = false;
            top
        }
        let mut weight = vec![vec![0u64; n]; n];
        for &(a, b, w) in edges {
            if a != b && a < n && b < n {
                let w = u64::from(w);
                weight[a][b] = weight[a][b].max(w);
                weight[b][a] = weight[b][a].max(w);
            }
        }
        best(&weight, &mut vec![false; n])
    }

    /// Checks that `pairs` is a matching of edges of the graph and returns
    /// its weight.
    fn total(n: usize, edges: &[(usize, usize, u32)], pairs: &[(usize, usize)]) -> u64 {
        let mut weight = HashMap::new();
        for &(a, b, w) in edges {
            let key = (a.min(b), a.max(b));
            let slot = weight.entry(key).or_insert(0);
            *slot = w.max(*slot);
        }
        let mut used = vec![false; n];
        let mut sum = 0;
        for &(a, b) in pairs {
            assert!(a < b && b < n, "{a}-{b}");
            assert!(!used[a] && !used[b], "{a} or {b} matched twice");
            used[a] = true;
            used[b] = true;
            sum += u64::from(*weight.get(&(a, b)).expect("an edge of the graph"));
        }
        sum
    }

    /// Checks the duals the solver ended with: they prove its matching
    /// optimal by linear-programming duality (every slack non-negative,
    /// matched edges tight, unmatched vertices and non-full blossoms at
    /// zero dual).
    fn assert_certificate(solver: &Solver) {
        let n = solver.n;
        let ancestors = |v: usize| {
            let mut out = Vec::new();
            let mut node = v;
            while let Some(p) = solver.parent[node] {
                out.push(p);
                node = p;
            }
            out
        };
        for v in 0..n {
            assert!(solver.dual[v] >= 0, "vertex {v} dual");
            match solver.mate[v] {
                None => assert_eq!(solver.dual[v], 0, "unmatched vertex {v} dual"),
                Some(m) => assert_eq!(solver.mate[m], Some(v), "mates of {v}"),
            }
        }
        for (e, edge) in solver.edges.iter().enumerate() {
            let above_a = ancestors(edge.a);
            let shared: i64 = ancestors(edge.b)
                .iter()
                .filter(|b| above_a.contains(b))
                .map(|b| solver.dual[*b])
                .sum();
            let slack = solver.slack(e) + shared;
            assert!(slack >= 0, "edge {}-{} slack {slack}", edge.a, edge.b);
            if solver.mate[edge.a] == Some(edge.b) {
                assert_eq!(slack, 0, "matched edge {}-{} is tight", edge.a, edge.b);
            }
        }
        for v in 0..n {
            if let Some(m) = solver.mate[v] {
                assert!(
                    solver
                        .edges
                        .iter()
                        .any(|e| (e.a, e.b) == (v.min(m), v.max(m))),
                    "{v}-{m} is an edge"
                );
            }
        }
        for b in n..2 * n {
            if solver.is_blossom(b) {
                assert!(solver.dual[b] >= 0, "blossom {b} dual");
                let leaves = solver.leaves(b);
                assert_eq!(leaves.len() % 2, 1, "blossom {b} is odd");
                if solver.dual[b] > 0 {
                    let inside = leaves
                        .iter()
                        .filter(|v| solver.mate[**v].is_some_and(|m| leaves.contains(&m)))
                        .count();
                    assert_eq!(inside, leaves.len() - 1, "blossom {b} is full");
                }
            }
        }
    }

    fn solve_checked(n: usize, edges: &[(usize, usize, u32)]) -> Vec<(usize, usize)> {
        let mut solver = Solver::new(n, edges);
        solver.solve();
        assert_certificate(&solver);
        solver.pairs()
    }

    #[test]
    fn nothing_to_match() {
        assert_eq!(max_weight_matching(0, &[]), vec![]);
        assert_eq!(max_weight_matching(3, &[]), vec![]);
        assert_eq!(
            max_weight_matching(2, &[(0, 1, 0)]),
            vec![],
            "zero adds nothing"
        );
        assert_eq!(
            max_weight_matching(2, &[(0, 0, 5), (1, 7, 5)]),
            vec![],
            "ignored"
        );
        assert_eq!(max_weight_matching(2, &[(1, 0, 5)]), vec![(0, 1)]);
    }

    #[test]
    fn a_triangle_takes_its_heaviest_edge() {
        assert_eq!(
            solve_checked(3, &[(0, 1, 5), (1, 2, 4), (0, 2, 3)]),
            vec![(0, 1)]
        );
        assert_eq!(
            solve_checked(3, &[(0, 1, 4), (1, 2, 4), (0, 2, 6)]),
            vec![(0, 2)]
        );
    }

    #[test]
    fn a_heavy_middle_loses_to_the_two_outer_edges() {
        // a-b-c-d: greedy takes b-c (10) and stops; a-b + c-d is 12.
        assert_eq!(
            solve_checked(4, &[(0, 1, 6), (1, 2, 10), (2, 3, 6)]),
            vec![(0, 1), (2, 3)]
        );
        // ...and wins when it is heavier than both together.
        assert_eq!(
            solve_checked(4, &[(0, 1, 6), (1, 2, 13), (2, 3, 6)]),
            vec![(1, 2)]
        );
    }

    #[test]
    fn odd_cycles_where_greedy_fails() {
        // A pentagon of equal edges with a light tail at vertex 0. Greedy
        // takes 0-1 and 2-3 (20) and strands 4 and 5; the best rotates
        // the odd cycle away from 0: 1-2, 3-4 and 0-5 (23).
        let edges = [
            (0, 1, 10),
            (1, 2, 10),
            (2, 3, 10),
            (3, 4, 10),
            (4, 0, 10),
            (0, 5, 3),
        ];
        assert_eq!(solve_checked(6, &edges), vec![(0, 5), (1, 2), (3, 4)]);
        // A triangle of heavy edges, each corner with a lighter edge out:
        // any triangle edge strands a corner, the three outer edges win.
        let edges = [
            (0, 1, 10),
            (1, 2, 10),
            (0, 2, 10),
            (0, 3, 6),
            (1, 4, 6),
            (2, 5, 6),
        ];
        assert_eq!(solve_checked(6, &edges), vec![(0, 3), (1, 4), (2, 5)]);
        // Two triangles joined by their heaviest edge, which loses.
        let edges = [
            (0, 1, 10),
            (1, 2, 10),
            (0, 2, 10),
            (2, 3, 11),
            (3, 4, 10),
            (4, 5, 10),
            (3, 5, 10),
        ];
        assert_eq!(solve_checked(6, &edges), vec![(0, 1), (2, 3), (4, 5)]);
    }

    #[test]
    fn many_small_graphs_match_the_brute_force() {
        // Few distinct weights make many ties, and so many blossoms that
        // nest, turn inner and open again mid-stage.
        let mut state = 0x2545_F491_4F6C_DD1D_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..3_000 {
            let n = 3 + round % 8;
            let mut edges = Vec::new();
            for a in 0..n {
                for b in a + 1..n {
                    if next() % 3 != 0 {
                        edges.push((a, b, u32::try_from(next() % 5).expect("small")));
                    }
                }
            }
            let pairs = solve_checked(n, &edges);
            assert_eq!(
                total(n, &edges, &pairs),
                brute_force(n, &edges),
                "{edges:?}"
            );
        }
    }

    #[test]
    fn repeated_edges_count_once_at_their_heaviest() {
        let pairs = solve_checked(3, &[(0, 1, 2), (1, 0, 9), (1, 2, 8)]);
        assert_eq!(pairs, vec![(0, 1)]);
    }

    #[test]
    fn large_graphs_end_with_a_certificate() {
        // Deterministic pseudo-random graphs, dense and sparse, too large
        // to brute-force: the duals prove each answer optimal.
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for (n, density, max_weight) in [
            (40, 100, 10),
            (60, 30, 1_000),
            (80, 8, 50),
            (120, 100, 83),
            (200, 100, 83),
        ] {
            let mut edges = Vec::new();
            for a in 0..n {
                for b in a + 1..n {
                    if next() % 100 < density {
                        let w = u32::try_from(next() % max_weight).expect("small");
                        edges.push((a, b, w));
                    }
                }
            }
            let pairs = solve_checked(n, &edges);
            total(n, &edges, &pairs);
        }
    }

    fn graph(max_n: usize) -> impl Strategy<Value = (usize, Vec<(usize, usize, u32)>)> {
        (1..=max_n).prop_flat_map(|n| {
            let pairs: Vec<(usize, usize)> = (0..n)
                .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
                .collect();
            let len = pairs.len();
            (
                Just(n),
                // Each possible edge: missing, weight zero, or a weight
                // from a small range (many ties) or a wide one.
                prop::collection::vec(
                    prop_oneof![
                        2 => Just(None),
                        1 => Just(Some(0u32)),
                        3 => (1u32..6).prop_map(Some),
                        2 => (1u32..1_000).prop_map(Some),
                    ],
                    len,
                ),
                Just(pairs),
            )
                .prop_map(|(n, weights, pairs)| {
                    let edges = pairs
                        .into_iter()
                        .zip(weights)
                        .filter_map(|((a, b), w)| w.map(|w| (a, b, w)))
                        .collect();
                    (n, edges)
                })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(600))]

        #[test]
        fn matches_the_brute_force_maximum((n, edges) in graph(10)) {
            let pairs = solve_checked(n, &edges);
            prop_assert_eq!(total(n, &edges, &pairs), brute_force(n, &edges));
        }

        #[test]
        fn does_not_depend_on_edge_order((n, mut edges) in graph(9), seed in any::<u64>()) {
            let first = max_weight_matching(n, &edges);
            let len = edges.len().max(1);
            let shift = usize::try_from(seed % len as u64).expect("small");
            edges.rotate_left(shift);
            prop_assert_eq!(max_weight_matching(n, &edges), first);
        }
    }
}
