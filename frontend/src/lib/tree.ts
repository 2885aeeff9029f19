/**
 * The API sends a thread's posts flat, in tree order (depth first, oldest
 * sibling first); the thread screen needs them nested to indent and
 * collapse branches.
 */
import type { Post } from './types';

export interface PostNode {
  post: Post;
  children: PostNode[];
}

/** Nests posts under their parents; a post whose parent isn't loaded stands at the top level. */
export function buildTree(posts: Post[]): PostNode[] {
  const nodes = new Map<number, PostNode>();
  const roots: PostNode[] = [];
  for (const post of posts) {
    const node: PostNode = { post, children: [] };
    nodes.set(post.id, node);
    const parent = post.parent_id == null ? undefined : nodes.get(post.parent_id);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

/** How many replies sit anywhere below a post. */
export function countReplies(node: PostNode): number {
  return node.children.reduce((sum, child) => sum + 1 + countReplies(child), 0);
}
