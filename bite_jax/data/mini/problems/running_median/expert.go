package main

import (
	"bufio"
	"container/heap"
	"fmt"
	"os"
	"strconv"
)

// MinHeap implements heap.Interface over ints.
type MinHeap []int

func (h MinHeap) Len() int            { return len(h) }
func (h MinHeap) Less(i, j int) bool  { return h[i] < h[j] }
func (h MinHeap) Swap(i, j int)       { h[i], h[j] = h[j], h[i] }
func (h *MinHeap) Push(x interface{}) { *h = append(*h, x.(int)) }
func (h *MinHeap) Pop() interface{} {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func main() {
	sc := bufio.NewScanner(os.Stdin)
	sc.Split(bufio.ScanWords)
	sc.Scan()
	n, _ := strconv.Atoi(sc.Text())
	// lo stores negated values (a max-heap) holding the smaller ceil(k/2) values
	lo, hi := &MinHeap{}, &MinHeap{}
	var total int64
	for k := 0; k < n; k++ {
		sc.Scan()
		x, _ := strconv.Atoi(sc.Text())
		if lo.Len() == 0 || x <= -(*lo)[0] {
			heap.Push(lo, -x)
		} else {
			heap.Push(hi, x)
		}
		if lo.Len() > hi.Len()+1 {
			heap.Push(hi, -heap.Pop(lo).(int))
		} else if hi.Len() > lo.Len() {
			heap.Push(lo, -heap.Pop(hi).(int))
		}
		total += int64(-(*lo)[0])
	}
	fmt.Println(total)
}
