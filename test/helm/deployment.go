package main

import (
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// minMemoryRequestBytes: docs/benchmarks.md's RSS high-water mark of the shared set-up
// under load (140 MB); a request below it schedules pods onto memory they will use.
const minMemoryRequestBytes = 140_000_000

func (c *checker) checkDeployment(deployment *appsv1.Deployment, s *summary) {
	s.Replicas = deployment.Spec.Replicas
	c.selects("the Deployment", deployment.Spec.Selector, deployment.Spec.Template.Labels)
	spec := deployment.Spec.Template.Spec
	c.expect(len(spec.Containers) == 1, "want one container, got %d", len(spec.Containers))
	if len(spec.Containers) != 1 {
		return
	}
	container := spec.Containers[0]
	grpcPort := containerPorts(spec.Containers)["grpc"].ContainerPort
	c.expect(grpcPort != 0, "no container port named grpc")

	// Probes: Kubernetes' gRPC probe (grpc.health.v1) on the gRPC port, nothing else.
	probes := map[string]*corev1.Probe{"readiness": container.ReadinessProbe, "liveness": container.LivenessProbe, "startup": container.StartupProbe}
	for name, probe := range probes {
		c.expect(probe != nil, "no %s probe", name)
		if probe == nil {
			continue
		}
		handler := probe.ProbeHandler
		c.expect(handler.GRPC != nil && handler.HTTPGet == nil && handler.Exec == nil && handler.TCPSocket == nil,
			"the %s probe is not (only) a gRPC probe", name)
		c.expect(handler.GRPC == nil || handler.GRPC.Port == grpcPort, "the %s probe checks port %v, not the gRPC port %d", name, handler.GRPC, grpcPort)
	}
	if probe := container.ReadinessProbe; probe != nil && probe.GRPC != nil && probe.GRPC.Service != nil {
		s.ReadinessService = *probe.GRPC.Service
	}
	c.expect(s.ReadinessService == "clientauth.v1.ClientAuth", "the readiness probe asks about %q, not clientauth.v1.ClientAuth", s.ReadinessService)

	// Shutdown: a preStop sleep while endpoints drop the pod, then the drain, inside the grace period.
	lifecycle := container.Lifecycle
	c.expect(lifecycle != nil && lifecycle.PreStop != nil && lifecycle.PreStop.Sleep != nil, "no preStop sleep")
	if lifecycle != nil && lifecycle.PreStop != nil && lifecycle.PreStop.Sleep != nil {
		s.PreStopSleepSeconds = lifecycle.PreStop.Sleep.Seconds
	}
	c.expect(spec.TerminationGracePeriodSeconds != nil, "no terminationGracePeriodSeconds")
	if spec.TerminationGracePeriodSeconds != nil {
		s.TerminationGracePeriodSeconds = *spec.TerminationGracePeriodSeconds
	}
	c.expect(s.PreStopSleepSeconds > 0, "the preStop sleep is %d s", s.PreStopSleepSeconds)
	c.expect(s.TerminationGracePeriodSeconds > s.PreStopSleepSeconds+drainSeconds,
		"terminationGracePeriodSeconds %d leaves no room for the preStop sleep (%d s) and the %d s drain",
		s.TerminationGracePeriodSeconds, s.PreStopSleepSeconds, drainSeconds)

	c.checkSecurity(spec.SecurityContext, container.SecurityContext)

	memory := container.Resources.Requests[corev1.ResourceMemory]
	s.MemoryRequestBytes = memory.Value()
	c.expect(s.MemoryRequestBytes >= minMemoryRequestBytes, "memory request %s is below the benchmark's RSS high-water mark (140 MB)", memory.String())
	_, cpu := container.Resources.Requests[corev1.ResourceCPU]
	c.expect(cpu, "no CPU request (the HPA's utilisation is relative to it)")

	for _, env := range container.Env {
		entry := envEntry{Name: env.Name, Value: env.Value}
		if from := env.ValueFrom; from != nil && from.SecretKeyRef != nil {
			entry.Secret = from.SecretKeyRef.Name + "/" + from.SecretKeyRef.Key
		}
		if slices.Contains(secretVariables, env.Name) {
			c.expect(entry.Secret != "" && env.Value == "", "%s is given as a value; it must come from a Secret (secretKeyRef)", env.Name)
		}
		s.Env = append(s.Env, entry)
	}
}

func (c *checker) checkSecurity(pod *corev1.PodSecurityContext, container *corev1.SecurityContext) {
	c.expect(pod != nil && container != nil, "no pod or container securityContext")
	if pod == nil || container == nil {
		return
	}
	isTrue := func(b *bool) bool { return b != nil && *b }
	isFalse := func(b *bool) bool { return b != nil && !*b }
	c.expect(isTrue(container.RunAsNonRoot) || (container.RunAsNonRoot == nil && isTrue(pod.RunAsNonRoot)), "runAsNonRoot is not true")
	uid := container.RunAsUser
	if uid == nil {
		uid = pod.RunAsUser
	}
	c.expect(uid == nil || *uid != 0, "runAsUser is 0")
	c.expect(isTrue(container.ReadOnlyRootFilesystem), "readOnlyRootFilesystem is not true")
	c.expect(isFalse(container.AllowPrivilegeEscalation), "allowPrivilegeEscalation is not false")
	c.expect(container.Privileged == nil || !*container.Privileged, "the container is privileged")
	c.expect(container.Capabilities != nil && slices.Contains(container.Capabilities.Drop, "ALL") && len(container.Capabilities.Add) == 0,
		"capabilities do not drop ALL (or add some back)")
	seccomp := container.SeccompProfile
	if seccomp == nil {
		seccomp = pod.SeccompProfile
	}
	c.expect(seccomp != nil && seccomp.Type == corev1.SeccompProfileTypeRuntimeDefault, "seccompProfile is not RuntimeDefault")
}
