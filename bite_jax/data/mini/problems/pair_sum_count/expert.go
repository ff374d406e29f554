package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strconv"
)

func main() {
	sc := bufio.NewScanner(os.Stdin)
	sc.Split(bufio.ScanWords)
	next := func() int64 {
		sc.Scan()
		v, _ := strconv.ParseInt(sc.Text(), 10, 64)
		return v
	}
	n := int(next())
	k := next()
	a := make([]int64, n)
	for i := range a {
		a[i] = next()
	}
	sort.Slice(a, func(x, y int) bool { return a[x] < a[y] })
	// two pointers over the sorted slice, pairing runs of equal values
	var cnt int64
	i, j := 0, n-1
	for i < j {
		s := a[i] + a[j]
		switch {
		case s < k:
			i++
		case s > k:
			j--
		case a[i] == a[j]:
			m := int64(j - i + 1)
			cnt += m * (m - 1) / 2
			i = j
		default:
			ci, cj := int64(1), int64(1)
			for i+1 < j && a[i+1] == a[i] {
				i++
				ci++
			}
			for j-1 > i && a[j-1] == a[j] {
				j--
				cj++
			}
			cnt += ci * cj
			i++
			j--
		}
	}
	fmt.Println(cnt)
}
