package main

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

func main() {
	in := bufio.NewReaderSize(os.Stdin, 1<<16)
	line, _ := in.ReadString('\n')
	s := strings.TrimSpace(line)
	var b strings.Builder
	b.Grow(2 * len(s))
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] == s[i] {
			j++
		}
		b.WriteByte(s[i])
		b.WriteString(strconv.Itoa(j - i))
		i = j
	}
	b.WriteByte('\n')
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	out.WriteString(b.String())
}
