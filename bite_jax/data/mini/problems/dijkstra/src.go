package main

import (
	"bufio"
	"fmt"
	"os"
)

const INF = int64(1) << 60

type edge struct{ to, w int }

func main() {
	in := bufio.NewReader(os.Stdin)
	var n, m int
	fmt.Fscan(in, &n, &m)
	adj := make([][]edge, n+1)
	for i := 0; i < m; i++ {
		var u, v, w int
		fmt.Fscan(in, &u, &v, &w)
		adj[u] = append(adj[u], edge{v, w})
	}
	dist := make([]int64, n+1)
	done := make([]bool, n+1)
	for v := range dist {
		dist[v] = INF
	}
	dist[1] = 0
	for it := 0; it < n; it++ {
		u := -1
		for v := 1; v <= n; v++ {
			if !done[v] && (u < 0 || dist[v] < dist[u]) {
				u = v
			}
		}
		if dist[u] == INF {
			break
		}
		done[u] = true
		for _, e := range adj[u] {
			if dist[u]+int64(e.w) < dist[e.to] {
				dist[e.to] = dist[u] + int64(e.w)
			}
		}
	}
	var reach, total int64
	for v := 1; v <= n; v++ {
		if dist[v] < INF {
			reach++
			total += dist[v]
		}
	}
	fmt.Println(reach, total)
}
