package main

import (
	"bufio"
	"container/heap"
	"fmt"
	"os"
	"strconv"
)

const INF = int64(1) << 60

type edge struct{ to, w int }

type item struct {
	d int64
	v int
}

// queue is a min-heap of (distance, junction) items.
type queue []item

func (q queue) Len() int            { return len(q) }
func (q queue) Less(i, j int) bool  { return q[i].d < q[j].d }
func (q queue) Swap(i, j int)       { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x interface{}) { *q = append(*q, x.(item)) }
func (q *queue) Pop() interface{} {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

func main() {
	sc := bufio.NewScanner(os.Stdin)
	sc.Split(bufio.ScanWords)
	next := func() int {
		sc.Scan()
		v, _ := strconv.Atoi(sc.Text())
		return v
	}
	n, m := next(), next()
	adj := make([][]edge, n+1)
	for i := 0; i < m; i++ {
		u, v, w := next(), next(), next()
		adj[u] = append(adj[u], edge{v, w})
	}
	dist := make([]int64, n+1)
	for v := range dist {
		dist[v] = INF
	}
	dist[1] = 0
	pq := &queue{{0, 1}}
	for pq.Len() > 0 {
		cur := heap.Pop(pq).(item)
		if cur.d > dist[cur.v] {
			continue // stale entry
		}
		for _, e := range adj[cur.v] {
			if nd := cur.d + int64(e.w); nd < dist[e.to] {
				dist[e.to] = nd
				heap.Push(pq, item{nd, e.to})
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
